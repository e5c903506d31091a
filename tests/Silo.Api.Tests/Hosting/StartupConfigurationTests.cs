using Silo.TestKit;

namespace Silo.Api.Tests.Hosting;

/// <summary>A bad setting stops start-up with one clear line that names the key: no stack trace, exit code 2.</summary>
public sealed class StartupConfigurationTests
{
    [Theory]
    [InlineData("--Grains:CallTimeout=soon", "Grains:CallTimeout")]
    [InlineData("--Grains:CallTimeout=00:00:00.001", "Grains:CallTimeout must be between")]
    [InlineData("--Grains:CollectionAge=00:00:05", "Grains:CollectionAge must be between")]
    [InlineData("--Cluster:Id=has space", "Cluster:Id must be")]
    [InlineData("--Cluster:Membership:ProbeTimeout=often", "Cluster:Membership:ProbeTimeout")]
    [InlineData("--Quotas:CheckpointInterval=never", "Quotas:CheckpointInterval")]
    public async Task FrontEnd_WithABadSetting_ExitsWithOneLineNamingTheKey(string argument, string expected)
    {
        var dll = RepositoryPaths.BuiltAssembly("Api", "Silo.Api");
        await using var api = ChildProcess.Start(
            "dotnet",
            [dll, $"--Urls=http://127.0.0.1:{FreePort.Next()}", argument],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Demo__Seed"] = "false" });

        var exitCode = await api.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(api.Output.Split('\n'), l => l.StartsWith("Invalid configuration", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_InClusterModeWithoutAPort_ExitsWithOneLineNamingTheKey()
    {
        var dll = RepositoryPaths.BuiltAssembly("Silo", "Silo");
        await using var silo = ChildProcess.Start(
            "dotnet",
            [dll, "--Cluster:Redis=127.0.0.1:1", $"--Urls=http://127.0.0.1:{FreePort.Next()}"],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Silo:Port is required", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_WithAnAdminTokenTooShortForItsDashboard_ExitsWithOneLineNamingTheKey()
    {
        var dll = RepositoryPaths.BuiltAssembly("Silo", "Silo");
        await using var silo = ChildProcess.Start(
            "dotnet",
            [dll, "--Cluster:Redis=127.0.0.1:1", $"--Silo:Port={FreePort.Next()}", "--Admin:Token=short", $"--Urls=http://127.0.0.1:{FreePort.Next()}"],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(silo.Output.Split('\n'), l => l.StartsWith("Invalid configuration", StringComparison.Ordinal));
        Assert.Contains("Admin:Token must be at least 16", line, StringComparison.Ordinal);
        Assert.DoesNotContain("short", line, StringComparison.Ordinal);
    }
}
