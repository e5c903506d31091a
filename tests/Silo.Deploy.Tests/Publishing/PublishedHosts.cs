using System.Diagnostics;
using Silo.Deploy.Tests.Manifests;
using Silo.TestKit;

namespace Silo.Deploy.Tests.Publishing;

/// <summary>
/// Both hosts published once per test run, with the arguments deploy/docker/Dockerfile publishes them with
/// (<see cref="PublishArguments"/>; DockerfileTests holds the two to each other), into a temporary directory.
/// One after the other: the two share projects, and two builds of one project at once race on its files.
/// </summary>
public sealed class PublishedHosts : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("silo-publish-");

    public TimeSpan Took { get; private set; }

    /// <summary><c>dotnet</c>'s arguments, from the repository root, without the output directory.</summary>
    public static IReadOnlyList<string> PublishArguments(HostKind host) =>
        ["publish", $"src/{Hosts.ProjectFolder(host)}/{Hosts.AssemblyName(host)}.csproj", "-c", "Release", "--no-restore", "-p:UseAppHost=false"];

    /// <summary>The directory <paramref name="host"/> was published to.</summary>
    public string PublishDirectory(HostKind host) => Path.Combine(_root.FullName, host.ToString());

    /// <summary>The published entry assembly, as the image's ENTRYPOINT runs it (<c>dotnet Silo.dll</c>).</summary>
    public string EntryAssembly(HostKind host) => Path.Combine(PublishDirectory(host), Hosts.AssemblyName(host) + ".dll");

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        foreach (var host in new[] { HostKind.Silo, HostKind.FrontEnd })
        {
            // No build servers or reused MSBuild nodes: nothing the test starts outlives it.
            await using var publish = ChildProcess.Start(
                "dotnet",
                [.. PublishArguments(host), "-o", PublishDirectory(host), "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false"],
                RepositoryPaths.Root);
            var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(5));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"dotnet {string.Join(' ', PublishArguments(host))} failed ({exitCode}):\n{publish.Output}");
            }
        }

        Took = clock.Elapsed;
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
