using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Hosting;

/// <summary><c>Telemetry:MetricsPort</c> on a real front-end process: /metrics there and only there, nothing else there.</summary>
public sealed class MetricsPortTests
{
    [Fact]
    public async Task WithAMetricsPort_MetricsAreServedThereOnly_AndNothingElseIs()
    {
        var port = FreePort.Next();
        var metricsPort = FreePort.Next();
        var dll = RepositoryPaths.BuiltAssembly("Api", "Silo.Api");
        await using var api = ChildProcess.Start(
            "dotnet",
            [dll, $"--Urls=http://127.0.0.1:{port}", $"--Telemetry:MetricsPort={metricsPort}"],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Demo__Seed"] = "false" });
        using var main = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        await Await.UntilAsync(
            async () =>
            {
                try
                {
                    return (await main.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException) when (!api.HasExited)
                {
                    return false;
                }
                catch (HttpRequestException ex) when (api.HasExited)
                {
                    // Say why it stopped (a port taken meanwhile, a start-up error) rather than "connection refused".
                    throw new InvalidOperationException($"The front end exited ({api.ExitCode}) before it was ready. Output:\n{api.Output}", ex);
                }
            },
            "the front end is ready");

        var scraped = await metrics.GetAsync("/metrics");
        Assert.Equal(200, (int)scraped.StatusCode);
        Assert.Contains("# TYPE", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(404, (int)(await main.GetAsync("/metrics")).StatusCode);
        Assert.Equal(404, (int)(await metrics.GetAsync("/health/live")).StatusCode);
        Assert.Equal(404, (int)(await metrics.GetAsync("/v1/check")).StatusCode);
        Assert.Equal(200, (int)(await main.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task AMetricsPortThatIsNoPort_StopsStartUp_WithOneLineNamingTheKey()
    {
        var dll = RepositoryPaths.BuiltAssembly("Api", "Silo.Api");
        await using var api = ChildProcess.Start(
            "dotnet",
            [dll, $"--Urls=http://127.0.0.1:{FreePort.Next()}", "--Telemetry:MetricsPort=70000"],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Demo__Seed"] = "false" });

        Assert.Equal(2, await api.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(api.Output.Split('\n'), l => l.StartsWith("Invalid configuration", StringComparison.Ordinal));
        Assert.Contains("Telemetry:MetricsPort", line, StringComparison.Ordinal);
    }
}
