namespace Silo.TestKit;

/// <summary>Where the repository's build outputs are, seen from a test assembly.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory that holds Silo.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests were built with.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built assembly of a project under src/, e.g. <c>Api</c> → src/Api/bin/…/Silo.Api.dll.</summary>
    public static string BuiltAssembly(string projectFolder, string assemblyName) =>
        Path.Combine(Root, "src", projectFolder, "bin", Configuration, "net10.0", assemblyName + ".dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Silo.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Silo.sln not found above " + AppContext.BaseDirectory);
    }
}
