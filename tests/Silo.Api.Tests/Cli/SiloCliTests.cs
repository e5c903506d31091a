using System.Diagnostics;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Cli;

/// <summary>The real <c>silo</c> tool, run as a process against the front end on a real port.</summary>
public sealed class SiloCliTests(KestrelGatewayFactory gateway) : IClassFixture<KestrelGatewayFactory>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("silo-cli-").FullName;

    [Fact]
    public async Task Config_Diff_Apply_Check_AndDiffAgain_WithExitCodesScriptsCanUse()
    {
        var tenant = GatewayFactory.NewId("cli");
        var file = Path.Combine(_dir, "gateway.yaml");
        await File.WriteAllTextAsync(file, $"""
            tenants:
              - id: {tenant}
                name: CLI tenant
                keys:
                  - name: ci
                    limits: [{"{"} name: per-minute, algorithm: fixed-window, limit: 1, windowSeconds: 60 {"}"}]
            """);

        var diff = await RunAsync("config", "diff", "-f", file, "--detailed-exit-code");
        Assert.Equal(2, diff.ExitCode);
        Assert.Contains($"+ tenant {tenant}", diff.Out, StringComparison.Ordinal);
        Assert.Contains("2 to create, 0 to update", diff.Out, StringComparison.Ordinal);

        var apply = await RunAsync("config", "apply", "-f", file);
        Assert.Equal(0, apply.ExitCode);
        var line = Assert.Single(apply.Out.Split('\n'), l => l.Contains("shown this once", StringComparison.Ordinal));
        var key = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Single(w => w.StartsWith("sk_", StringComparison.Ordinal));

        var allowed = await RunAsync(["check"], apiKey: key); // from SILO_KEY
        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains("allowed: 0 of 1 left", allowed.Out, StringComparison.Ordinal);
        var refused = await RunAsync("check", "--key", key);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("429", refused.Err, StringComparison.Ordinal);

        var again = await RunAsync("config", "diff", "-f", file, "--detailed-exit-code");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("0 to create, 0 to update, 2 unchanged", again.Out, StringComparison.Ordinal);

        var exported = Path.Combine(_dir, "export.json");
        Assert.Equal(0, (await RunAsync("config", "export", "--format", "json", "-f", exported)).ExitCode);
        var document = await File.ReadAllTextAsync(exported);
        Assert.Contains(tenant, document, StringComparison.Ordinal);
        Assert.DoesNotContain(key, document, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("config", "diff", "-f", exported, "--detailed-exit-code")).ExitCode);
    }

    [Fact]
    public async Task Config_Prune_DeletesWhatTheDocumentLacks_OnlyWithTheFlag()
    {
        var (kept, gone) = (GatewayFactory.NewId("keep"), GatewayFactory.NewId("gone"));
        var both = Path.Combine(_dir, "both.yaml");
        var one = Path.Combine(_dir, "one.yaml");
        await File.WriteAllTextAsync(both, $"tenants: [{{ id: {kept}, name: Kept }}, {{ id: {gone}, name: Gone }}]");
        await File.WriteAllTextAsync(one, $"tenants: [{{ id: {kept}, name: Kept }}]");
        Assert.Equal(0, (await RunAsync("config", "apply", "-f", both)).ExitCode);
        Assert.Equal(0, (await RunAsync("config", "diff", "-f", one, "--detailed-exit-code")).ExitCode);

        var diff = await RunAsync("config", "diff", "-f", one, "--detailed-exit-code", "--prune");
        Assert.Equal(2, diff.ExitCode);
        Assert.Contains($"- (delete) tenant {gone}", diff.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"tenant {kept}", diff.Out, StringComparison.Ordinal);

        var apply = await RunAsync("config", "apply", "-f", one, "--prune");
        Assert.Equal(0, apply.ExitCode);
        Assert.Contains("deleted or revoked", apply.Out, StringComparison.Ordinal);
        var tenants = (await RunAsync("tenants", "list")).Out.Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Contains(kept, tenants);
        Assert.DoesNotContain(gone, tenants);
    }

    [Fact]
    public async Task Keys_Create_Get_Revoke_AndTenantsList()
    {
        var tenant = await gateway.CreateTenantAsync();

        var created = await RunAsync("keys", "create", tenant, "--name", "ci", "--scope", "orders");
        Assert.Equal(0, created.ExitCode);
        var id = created.Out.Split(':')[0].Trim();
        var key = created.Out.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

        var shown = await RunAsync("keys", "get", id, "-o", "json");
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("\"orders\"", shown.Out, StringComparison.Ordinal);
        Assert.Contains(tenant, (await RunAsync("tenants", "list")).Out.Split('\n').Select(l => l.Trim()));

        Assert.Equal(0, (await RunAsync("keys", "revoke", id)).ExitCode);
        var check = await RunAsync("check", "--key", key);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("401", check.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NeverShowsTheTokenFromTheEnvironment()
    {
        var help = await RunAsync(["--help"], token: "token-from-env-0123456789");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--token", help.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("token-from-env-0123456789", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_HaveTheirOwnExitCodes_AndSayWhy()
    {
        var invalid = Path.Combine(_dir, "invalid.yaml");
        await File.WriteAllTextAsync(invalid, "tenants:\n  - id: Not Valid\n");

        var rejected = await RunAsync("config", "apply", "-f", invalid);
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("tenants[0].id", rejected.Err, StringComparison.Ordinal);
        Assert.Contains("tenants[0].name", rejected.Err, StringComparison.Ordinal);

        var unauthorized = await RunAsync(["tenants", "list"], token: "wrong-token-0000000000");
        Assert.Equal(1, unauthorized.ExitCode);
        Assert.Contains("401", unauthorized.Err, StringComparison.Ordinal);

        var unreachable = await RunAsync(["tenants", "list"], url: $"http://127.0.0.1:{FreePort.Next()}");
        Assert.Equal(3, unreachable.ExitCode);
        Assert.Contains("cannot reach", unreachable.Err, StringComparison.Ordinal);

        Assert.Equal(64, (await RunAsync("tenants", "frobnicate")).ExitCode);
        Assert.Equal(64, (await RunAsync("config", "apply", "-f", Path.Combine(_dir, "missing.yaml"))).ExitCode);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<Result> RunAsync(params string[] args) => RunAsync(args, token: null, url: null);

    private async Task<Result> RunAsync(string[] args, string? token = null, string? url = null, string? apiKey = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        };
        start.ArgumentList.Add(RepositoryPaths.BuiltAssembly("Cli", "Silo.Cli"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SILO_URL"] = url ?? gateway.ClientOptions.BaseAddress.ToString();
        start.Environment["SILO_ADMIN"] = token ?? GatewayFactory.AdminToken;
        start.Environment.Remove("SILO_KEY");
        if (apiKey is not null)
        {
            start.Environment["SILO_KEY"] = apiKey;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().Bounded(TimeSpan.FromSeconds(60));
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private sealed record Result(int ExitCode, string Out, string Err);
}
