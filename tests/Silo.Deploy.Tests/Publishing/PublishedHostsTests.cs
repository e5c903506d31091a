using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Silo.Deploy.Tests.Manifests;
using Silo.TestKit;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Silo.Deploy.Tests.Publishing;

/// <summary>
/// What an image would run, short of the image: both hosts as <c>dotnet publish -c Release</c> leaves them,
/// started with the environment an overlay gives their containers, against a real redis-server. They form a
/// cluster, answer their health endpoints and the admin API with the Secret's token, label their metrics with
/// the pod, and stop on SIGTERM well within the pods' grace period.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class PublishedHostsTests(PublishedHosts published, ITestOutputHelper output) : IClassFixture<PublishedHosts>
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public async Task PublishedHosts_WithAnOverlaysSettings_FormAClusterAndStopGracefully(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        await using var redis = await RedisServer.StartAsync();
        var clock = Stopwatch.StartNew();
        await using var silo = PublishedHostProcess.Start(published, HostKind.Silo, rendered, redis.Configuration);
        await silo.WaitForOkAsync("/health/live", StartBound);
        var siloLive = clock.Elapsed;
        await silo.WaitForOkAsync("/health/ready", StartBound);
        var siloReady = clock.Elapsed;
        await using var frontEnd = PublishedHostProcess.Start(published, HostKind.FrontEnd, rendered, redis.Configuration);
        await frontEnd.WaitForOkAsync("/health/live", StartBound);
        await frontEnd.WaitForOkAsync("/health/ready", StartBound);
        var frontEndReady = clock.Elapsed;

        // The front end sees the one silo, at the address the silo advertises (the pod IP from the downward API).
        var ready = JsonDocument.Parse(await frontEnd.Client.GetStringAsync("/health/ready")).RootElement;
        var activeSilo = Assert.Single(ready.GetProperty("activeSilos").EnumerateArray()).GetString();
        Assert.StartsWith(PodValues.PodIp + ":", activeSilo, StringComparison.Ordinal);

        // The admin token comes from the Secret: it opens the admin API, nothing else does.
        Assert.Equal(HttpStatusCode.Unauthorized, (await frontEnd.Client.GetAsync("/admin/tenants/none")).StatusCode);
        using var admin = new HttpRequestMessage(HttpMethod.Get, "/admin/tenants/none");
        admin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PodValues.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, (await frontEnd.Client.SendAsync(admin)).StatusCode);

        // Metrics carry the pod they came from (OTEL_RESOURCE_ATTRIBUTES, from POD_NAME and POD_NAMESPACE).
        foreach (var host in new[] { silo, frontEnd })
        {
            var metrics = await host.Client.GetStringAsync("/metrics");
            Assert.Contains($"k8s_pod_name=\"{PodValues.PodName}\"", metrics, StringComparison.Ordinal);
            Assert.Contains($"k8s_namespace_name=\"{PodValues.Namespace}\"", metrics, StringComparison.Ordinal);
        }

        var grace = TimeSpan.FromSeconds(rendered.WorkloadOf(HostKind.Silo).Pod.TerminationGracePeriodSeconds ?? 30);
        var frontEndStop = await StopAsync(frontEnd, grace);
        var siloStop = await StopAsync(silo, grace);
        output.WriteLine($"{overlay}: published both hosts in {published.Took.TotalSeconds:F0} s; silo live after {siloLive.TotalSeconds:F1} s, ready after {siloReady.TotalSeconds:F1} s; front end ready after {frontEndReady.TotalSeconds:F1} s; SIGTERM to exit: front end {frontEndStop.TotalSeconds:F1} s, silo {siloStop.TotalSeconds:F1} s (grace period {grace.TotalSeconds:F0} s)");
    }

    [Fact]
    public async Task PublishedSilo_WithASentinelConnectionString_JoinsThroughTheSentinel()
    {
        // The production README's shape: Sentinel endpoints and the monitored primary's name (serviceName=).
        await using var primary = await RedisServer.StartAsync();
        await using var sentinel = await SentinelServer.StartAsync(primary, SentinelServer.ServiceName);
        var connectionString = $"127.0.0.1:{sentinel.Port},serviceName={SentinelServer.ServiceName}";
        await using var silo = PublishedHostProcess.Start(published, HostKind.Silo, RenderedOverlay.Of("production"), connectionString);

        await silo.WaitForOkAsync("/health/ready", StartBound);

        // Its membership row is in the primary the Sentinel named (Orleans' table: {Cluster:Id}/members/{Cluster:Id}).
        var status = JsonDocument.Parse(await silo.Client.GetStringAsync("/silo/status")).RootElement;
        Assert.Single(status.GetProperty("activeSilos").EnumerateArray());
        var clusterId = RenderedOverlay.Of("production").ConfigMap(SiloClusterConfigMap()).Data["Cluster__Id"];
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(primary.Configuration))
        {
            Assert.True(await redis.GetDatabase().KeyExistsAsync($"{clusterId}/members/{clusterId}"), "the membership table is not in the primary");
        }

        var grace = TimeSpan.FromSeconds(RenderedOverlay.Of("production").WorkloadOf(HostKind.Silo).Pod.TerminationGracePeriodSeconds ?? 30);
        await StopAsync(silo, grace);
    }

    /// <summary>The generated name of the ConfigMap silo-cluster (kustomize appends a hash of its content).</summary>
    private static string SiloClusterConfigMap() =>
        RenderedOverlay.Of("production").Objects.OfType<k8s.Models.V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith("silo-cluster", StringComparison.Ordinal)).Metadata.Name;

    /// <summary>SIGTERM, then the time until the process exited; it must exit with 0 within <paramref name="grace"/>.</summary>
    private static async Task<TimeSpan> StopAsync(PublishedHostProcess host, TimeSpan grace)
    {
        var clock = Stopwatch.StartNew();
        host.Process.Terminate();
        Assert.Equal(0, await host.Process.WaitForExitAsync(grace));
        return clock.Elapsed;
    }
}
