using k8s.Models;
using Silo.TestKit;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>Which host a container runs (by its name in the manifests), and where that host's project is.</summary>
internal static class Hosts
{
    public static HostKind Of(V1Container container) => container.Name switch
    {
        "silo" => HostKind.Silo,
        "frontend" => HostKind.FrontEnd,
        _ => HostKind.None,
    };

    /// <summary>The project folder under src/.</summary>
    public static string ProjectFolder(HostKind host) => host switch
    {
        HostKind.Silo => "Silo",
        HostKind.FrontEnd => "Api",
        _ => throw new ArgumentOutOfRangeException(nameof(host)),
    };

    public static string AssemblyName(HostKind host) => host switch
    {
        HostKind.Silo => "Silo",
        HostKind.FrontEnd => "Silo.Api",
        _ => throw new ArgumentOutOfRangeException(nameof(host)),
    };

    public static string ProjectFile(HostKind host) =>
        Path.Combine(RepositoryPaths.Root, "src", ProjectFolder(host), AssemblyName(host) + ".csproj");

    public static string ProjectDirectory(HostKind host) => Path.Combine(RepositoryPaths.Root, "src", ProjectFolder(host));
}
