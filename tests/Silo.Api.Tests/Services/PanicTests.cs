using System.Text.Json;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Services;

/// <summary>
/// Panic routing end to end: when fewer than the panic threshold of a service's endpoints (not draining) are
/// available, requests go to every endpoint not draining; 0 turns it off; the breaker still has the last word.
/// </summary>
public sealed class PanicTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private static readonly object FastChecks = new { path = "/health", intervalSeconds = 1, healthyThreshold = 1, unhealthyThreshold = 1 };

    [Fact]
    public async Task EveryEndpointFailingItsHealthCheck_IsStillServed_AtTheDefaultThreshold()
    {
        await using var a = await FlakyDownstream.StartAsync();
        await using var b = await FlakyDownstream.StartAsync();
        a.HealthStatus = 503;
        b.HealthStatus = 503;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new { endpoints = new[] { new { url = a.BaseUrl }, new { url = b.BaseUrl } }, loadBalancing = "round-robin", healthCheck = FastChecks });

        await Await.UntilAsync(async () => (await gateway.ServiceAsync(service)).GetProperty("panic").GetBoolean(), "the service is in panic", TimeSpan.FromSeconds(10));

        var body = await gateway.ServiceAsync(service);
        Assert.Equal(50, body.GetProperty("panicThresholdPercent").GetInt32());
        Assert.All(body.GetProperty("endpoints").EnumerateArray(), e => Assert.Equal(("unhealthy", false, true), Standing(e)));
        await Await.UntilAsync(async () => (await ServiceRoutes.RoutedUrlsAsync(client, service, 4)).SetEquals([a.BaseUrl, b.BaseUrl]), "both endpoints answer", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task EveryEndpointFailingItsHealthCheck_WithThresholdZero_Answers503NoHealthyEndpoint()
    {
        await using var a = await FlakyDownstream.StartAsync();
        await using var b = await FlakyDownstream.StartAsync();
        a.HealthStatus = 503;
        b.HealthStatus = 503;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new { endpoints = new[] { new { url = a.BaseUrl }, new { url = b.BaseUrl } }, healthCheck = FastChecks, panicThresholdPercent = 0 });

        await Await.UntilAsync(async () => (int)(await client.GetAsync($"/{service}/x")).StatusCode == 503, "the service refuses", TimeSpan.FromSeconds(10));

        await Expect.ProblemAsync(await client.GetAsync($"/{service}/x"), 503, "no-healthy-endpoint");
        var body = await gateway.ServiceAsync(service);
        Assert.Equal((0, false), (body.GetProperty("panicThresholdPercent").GetInt32(), body.GetProperty("panic").GetBoolean()));
        Assert.All(body.GetProperty("endpoints").EnumerateArray(), e => Assert.Equal(("unhealthy", false, false), Standing(e)));
    }

    [Fact]
    public async Task Panic_RoutesToEveryEndpointNotDraining_NeverToADrainingOne_AndEndsWhenEnoughAreBack()
    {
        await using var a = await FlakyDownstream.StartAsync();
        await using var b = await FlakyDownstream.StartAsync();
        await using var c = await FlakyDownstream.StartAsync();
        await using var drained = await FlakyDownstream.StartAsync();
        b.HealthStatus = 503;
        c.HealthStatus = 503;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new object[] { new { url = a.BaseUrl }, new { url = b.BaseUrl }, new { url = c.BaseUrl }, new { url = drained.BaseUrl, drain = true } },
            loadBalancing = "round-robin",
            healthCheck = FastChecks,
            circuitBreaker = ServiceRoutes.NoBreaker,
        });

        // One of three endpoints not draining is available: 33 % < 50 %.
        await Await.UntilAsync(async () => (await gateway.ServiceAsync(service)).GetProperty("panic").GetBoolean(), "the service is in panic", TimeSpan.FromSeconds(10));
        var endpoints = (await gateway.ServiceAsync(service)).GetProperty("endpoints").EnumerateArray().Select(Standing).ToArray();
        Assert.Equal([("healthy", true, true), ("unhealthy", false, true), ("unhealthy", false, true), ("healthy", false, false)], endpoints);
        await Await.UntilAsync(async () => (await ServiceRoutes.RoutedUrlsAsync(client, service, 6)).SetEquals([a.BaseUrl, b.BaseUrl, c.BaseUrl]), "every endpoint not draining answers", TimeSpan.FromSeconds(5));
        Assert.Equal(0, drained.Requests);

        // Two of three available: out of panic, the unhealthy one gets nothing more.
        b.HealthStatus = 200;
        await Await.UntilAsync(async () => !(await gateway.ServiceAsync(service)).GetProperty("panic").GetBoolean(), "the panic is over", TimeSpan.FromSeconds(10));
        await Await.UntilAsync(async () => (await ServiceRoutes.RoutedUrlsAsync(client, service, 6)).SetEquals([a.BaseUrl, b.BaseUrl]), "only the available endpoints answer", TimeSpan.FromSeconds(5));
        var cBefore = c.Requests;
        Assert.True((await ServiceRoutes.RoutedUrlsAsync(client, service, 10)).SetEquals([a.BaseUrl, b.BaseUrl]));
        Assert.Equal(cBefore, c.Requests);
        Assert.Equal(0, drained.Requests);
    }

    [Fact]
    public async Task Panic_DoesNotLiftTheBreaker_FailingEndpointsInPanicOpenTheCircuit()
    {
        await using var a = await FlakyDownstream.StartAsync();
        await using var b = await FlakyDownstream.StartAsync();
        a.HealthStatus = b.HealthStatus = 503;
        a.Status = b.Status = 500;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = a.BaseUrl }, new { url = b.BaseUrl } },
            healthCheck = FastChecks,
            circuitBreaker = new { failureRatio = 0.5, minimumThroughput = 5, samplingSeconds = 30, breakSeconds = 30 },
            outlierDetection = new { maxEjectionPercent = 0 },
        });
        await Await.UntilAsync(async () => (await gateway.ServiceAsync(service)).GetProperty("panic").GetBoolean(), "the service is in panic", TimeSpan.FromSeconds(10));

        await Await.UntilAsync(async () => (int)(await client.GetAsync($"/{service}/x")).StatusCode == 503, "the circuit opens", TimeSpan.FromSeconds(10));

        var touched = a.Requests + b.Requests;
        await Expect.ProblemAsync(await client.GetAsync($"/{service}/x"), 503, "circuit-open");
        var body = await gateway.ServiceAsync(service);
        Assert.Equal(("open", true), (body.GetProperty("circuit").GetProperty("state").GetString(), body.GetProperty("panic").GetBoolean()));
        Assert.Equal(touched, a.Requests + b.Requests);
    }

    private static (string Health, bool Available, bool Routed) Standing(JsonElement endpoint) =>
        (endpoint.GetProperty("health").GetString()!, endpoint.GetProperty("available").GetBoolean(), endpoint.GetProperty("routed").GetBoolean());
}
