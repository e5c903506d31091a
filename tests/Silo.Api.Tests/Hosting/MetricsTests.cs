using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Hosting;

/// <summary>The front end with durable-limit checkpoints every 100 ms, so the checkpoint metrics move within a test.</summary>
public sealed class MetricsGatewayFactory : KestrelGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Quotas:CheckpointInterval", "00:00:00.100");
    }
}

/// <summary>
/// Runs alone: OpenTelemetry listens to meters by name across the whole process, so a gateway started by
/// another test class at the same time would add its counts to this one's scrape.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}

/// <summary>
/// <c>/metrics</c> after real traffic: every gateway instrument with the counts the traffic implies, the
/// platform's and Orleans' instruments beside them, no key id or tenant id in any label, and output that
/// Prometheus' own parser (promtool) reads.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(MetricsGatewayFactory gateway, Downstream downstream) : IClassFixture<MetricsGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task Metrics_CountWhatTheTrafficDid()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 4, 3600));
        var roomy = await gateway.CreateKeyAsync(tenant, new[] { new { name = "day", algorithm = "fixed-window", limit = 100, windowSeconds = 86400 } });
        var tight = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", 1, 3600));
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var roomyClient = gateway.CreateKeyClient(roomy);
        using var tightClient = gateway.CreateKeyClient(tight);
        using var stranger = gateway.CreateKeyClient(Silo.Api.Auth.ApiKeyFormat.Generate().Key);

        // Admitted: 2 checks + 1 proxied by the roomy key, 1 check by the tight key (4 = the tenant's limit).
        await Expect.StatusAsync(await roomyClient.PostAsync("/v1/check", null), 200);
        await Expect.StatusAsync(await roomyClient.PostAsync("/v1/check", null), 200);
        await Expect.StatusAsync(await roomyClient.GetAsync($"/{service}/x"), 200);
        await Expect.StatusAsync(await tightClient.PostAsync("/v1/check", null), 200);

        // Limited by the key (the tight key is spent), then by the tenant (its 4 units are spent).
        await Expect.ProblemAsync(await tightClient.PostAsync("/v1/check", null), 429, "rate-limited");
        await Expect.ProblemAsync(await roomyClient.PostAsync("/v1/check", null), 429, "rate-limited");

        // Unauthorized: a made-up key; forbidden at the tenant level: the tenant suspended.
        await Expect.ProblemAsync(await stranger.PostAsync("/v1/check", null), 401, "invalid-api-key");
        await Expect.StatusAsync(await admin.PostAsync($"/admin/tenants/{tenant}/suspend", null), 204);
        await Expect.ProblemAsync(await roomyClient.PostAsync("/v1/check", null), 403, "tenant-suspended");

        // The service's circuit isolated by hand, seen by this front end on the next request (answered before
        // admission, so it is not an admission).
        await Expect.StatusAsync(await admin.PostAsync($"/admin/tenants/{tenant}/resume", null), 204);
        await Expect.StatusAsync(await admin.PostAsync($"/admin/services/{service}/circuit/isolate", null), 200);
        await Expect.ProblemAsync(await roomyClient.GetAsync($"/{service}/x"), 503, "circuit-open");

        // Durable (day) limits are checkpointed every 100 ms here.
        Scrape scrape = null!;
        await Await.UntilAsync(
            async () => (scrape = await ScrapeAsync()).Sum("silo_limits_checkpoint_writes_total") >= 1,
            "a checkpoint is written and counted");

        Assert.Equal(4, scrape.Sum("silo_gateway_admissions_total", ("result", "admitted")));
        Assert.Equal(1, scrape.Sum("silo_gateway_admissions_total", ("result", "limited"), ("level", "key")));
        Assert.Equal(1, scrape.Sum("silo_gateway_admissions_total", ("result", "limited"), ("level", "tenant")));
        Assert.Equal(1, scrape.Sum("silo_gateway_admissions_total", ("result", "unauthorized")));
        Assert.Equal(1, scrape.Sum("silo_gateway_admissions_total", ("result", "forbidden"), ("level", "tenant")));
        Assert.Equal(8, scrape.Sum("silo_gateway_admission_duration_seconds_count"));
        Assert.Equal(1, scrape.Sum("silo_gateway_authentication_failures_total", ("kind", "api-key")));
        Assert.Equal(1, scrape.Sum("silo_gateway_forward_attempts_total", ("service", service), ("outcome", "success")));
        Assert.Equal(1, scrape.Sum("silo_gateway_circuit_state_changes_total", ("service", service), ("state", "isolated")));
        Assert.Equal(1, scrape.Sum("silo_gateway_circuit_open", ("service", service)));
        Assert.Equal(1, scrape.Sum("silo_gateway_endpoints_available", ("service", service)));
        Assert.True(scrape.Has("silo_gateway_panic"), "the panic gauge");
        Assert.Equal(0, scrape.Sum("silo_gateway_panic", ("service", service)));
        Assert.True(scrape.Sum("http_server_request_duration_seconds_count") >= 10, "ASP.NET Core's request metrics");
        Assert.True(scrape.Has("orleans_app_requests_latency_milliseconds_count"), "Orleans' grain call metrics");
        Assert.True(scrape.Has("dotnet_gc_collections_total"), "the runtime's metrics");

        // Never a key id or (with Telemetry:TenantLabels off) a tenant id.
        foreach (var secretish in new[] { roomy[3..15], tight[3..15], tenant })
        {
            Assert.DoesNotContain(secretish, scrape.Text, StringComparison.Ordinal);
        }

        await PromtoolAcceptsAsync(scrape.Text);
    }

    private async Task<Scrape> ScrapeAsync()
    {
        using var client = gateway.CreateClient();
        var response = await client.GetAsync("/metrics");
        await Expect.StatusAsync(response, 200);
        return new Scrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Prometheus' own parser reads the whole scrape; its naming lint may flag Orleans' and .NET's instruments, never ours.</summary>
    private static async Task PromtoolAcceptsAsync(string text)
    {
        Assert.True(File.Exists("/usr/bin/promtool"), "promtool is installed (scripts/test.sh installs Debian's prometheus package)");
        using var promtool = Process.Start(new ProcessStartInfo("/usr/bin/promtool", "check metrics")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync().Bounded();

        Assert.DoesNotContain("error", output, StringComparison.OrdinalIgnoreCase);
        Assert.True(promtool.ExitCode is 0 or 3, $"promtool exit {promtool.ExitCode}: {output}");
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("silo_", StringComparison.Ordinal));
    }

    /// <summary>A scrape in the Prometheus text format: sample lines as name, labels and value.</summary>
    private sealed class Scrape(string text)
    {
        public string Text { get; } = text;

        private IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Samples() =>
            Text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(Parse);

        public bool Has(string name) => Samples().Any(s => s.Name == name);

        public double Sum(string name, params (string Label, string Value)[] match) =>
            Samples().Where(s => s.Name == name && match.All(m => s.Labels.TryGetValue(m.Label, out var v) && v == m.Value)).Sum(s => s.Value);

        private static (string, Dictionary<string, string>, double) Parse(string line)
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var name = brace >= 0 ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            if (brace >= 0)
            {
                var body = line[(brace + 1)..line.LastIndexOf('}')];
                foreach (var pair in body.Split("\",", StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..eq]] = pair[(eq + 1)..].Trim('"');
                }
            }

            var value = line[(space + 1)..];
            return (name, labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }
}
