using System.Text.RegularExpressions;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Hosting;

/// <summary>The front end as a newcomer runs it: a real process on a real port, seeded, printing its key.</summary>
public sealed partial class EmbeddedDefaultTests
{
    [Fact]
    public async Task EmbeddedDefault_PrintsADemoKey_ThatProxiesToTheEchoService_UntilItsLimit()
    {
        var port = FreePort.Next();
        await using var api = StartApi(port, "Development");

        var exportLine = await api.WaitForLineAsync(line => line.Contains("export SILO=", StringComparison.Ordinal));
        var key = KeyPattern().Match(exportLine).Groups[1].Value;
        Assert.NotEmpty(key);
        Assert.DoesNotContain(key, LogLines(api.Output), StringComparison.Ordinal);

        // Orleans' watchdog warns of an hours-long stall on some first ticks (a start-up race): never shown.
        Assert.DoesNotContain("Participant check thread has not completed", api.Output, StringComparison.Ordinal);

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        var echoed = await Expect.JsonAsync(await client.GetAsync("/echo/hello?x=1"), 200);
        Assert.Equal("echo", echoed.GetProperty("service").GetString());
        Assert.Equal("/hello", echoed.GetProperty("path").GetString());

        // The demo service signs what it forwards and the echo verifies it; called around the gateway, it refuses.
        var signature = echoed.GetProperty("signature");
        Assert.True(signature.GetProperty("verified").GetBoolean());
        Assert.Equal("demo", signature.GetProperty("tenant").GetString());
        Assert.Contains(signature.GetProperty("key").GetString()!, key, StringComparison.Ordinal);
        using var direct = new HttpClient();
        await Expect.ProblemAsync(await direct.GetAsync($"http://127.0.0.1:{port}/_demo/echo/hello"), 401, "bad-signature");

        var statuses = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((int)(await client.GetAsync("/echo/hello")).StatusCode);
        }

        Assert.Contains(429, statuses);
        // 10 per minute refills one token every 6 s; a slow machine may see one refill during the loop.
        Assert.InRange(statuses.Count(s => s == 200), 9, 10);
    }

    [Fact]
    public async Task Production_WithoutAdminToken_RefusesToStart_WithAClearMessage()
    {
        await using var api = StartApi(FreePort.Next(), "Production");

        var exitCode = await api.WaitForExitAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Admin:Token is not set", api.Output, StringComparison.Ordinal);
        Assert.Contains("Admin__Token", api.Output, StringComparison.Ordinal);
    }

    private static ChildProcess StartApi(int port, string environment)
    {
        var dll = RepositoryPaths.BuiltAssembly("Api", "Silo.Api");
        return ChildProcess.Start(
            "dotnet",
            [dll, $"--Urls=http://127.0.0.1:{port}"],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["ASPNETCORE_ENVIRONMENT"] = environment,
                ["Admin__Token"] = string.Empty,
                ["Logging__Console__FormatterName"] = "simple",
            });
    }

    /// <summary>Lines written by the logger (they start with a level), as opposed to the banner.</summary>
    private static string LogLines(string output) =>
        string.Join('\n', output.Split('\n').Where(l => l.StartsWith("info:", StringComparison.Ordinal) || l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("      ", StringComparison.Ordinal)));

    [GeneratedRegex("SILO_KEY=(sk_[A-Za-z0-9_]+)")]
    private static partial Regex KeyPattern();
}
