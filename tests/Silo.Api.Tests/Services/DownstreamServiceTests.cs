using System.Diagnostics;
using System.Net.Http.Json;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;
using Xunit.Abstractions;

namespace Silo.Api.Tests.Services;

/// <summary>
/// Health, ejection and the circuit breaker end to end: the front end with its embedded silo in front of real
/// downstream apps that fail, hang or die on command.
/// </summary>
public sealed class DownstreamServiceTests(GatewayFactory gateway, ITestOutputHelper output) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task FailingEndpoint_IsEjected_AndTrafficGoesToTheHealthyOnes()
    {
        await using var good = await FlakyDownstream.StartAsync();
        await using var bad = await FlakyDownstream.StartAsync();
        bad.Status = 500;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = good.BaseUrl }, new { url = bad.BaseUrl } },
            loadBalancing = "round-robin",
            circuitBreaker = ServiceRoutes.NoBreaker,
            outlierDetection = new { consecutiveFailures = 3, baseEjectionSeconds = 60 },
        });

        await Await.UntilAsync(
            async () =>
            {
                await client.GetAsync($"/{service}/x");
                return (await gateway.EndpointAsync(service, bad.BaseUrl)).GetProperty("ejected").GetBoolean();
            },
            "the failing endpoint is ejected",
            TimeSpan.FromSeconds(10));

        await Await.UntilAsync(async () => !(await ServiceRoutes.RoutedUrlsAsync(client, service, 4)).Contains(bad.BaseUrl), "the front end routes around it", TimeSpan.FromSeconds(5));
        var badBefore = bad.Requests;
        var statuses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((int)(await client.GetAsync($"/{service}/x")).StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(badBefore, bad.Requests);
        var status = await gateway.EndpointAsync(service, bad.BaseUrl);
        Assert.False(status.GetProperty("available").GetBoolean());
        Assert.InRange(status.GetProperty("ejectedForSeconds").GetInt32(), 1, 60);
    }

    [Fact]
    public async Task DeadEndpoint_ConnectFailures_GetItEjected()
    {
        await using var good = await FlakyDownstream.StartAsync();
        var dead = await FlakyDownstream.StartAsync();
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = good.BaseUrl }, new { url = dead.BaseUrl } },
            loadBalancing = "round-robin",
            circuitBreaker = ServiceRoutes.NoBreaker,
            outlierDetection = new { consecutiveFailures = 2 },
        });
        await dead.DieAsync();

        await Await.UntilAsync(
            async () =>
            {
                await client.GetAsync($"/{service}/x");
                return (await gateway.EndpointAsync(service, dead.BaseUrl)).GetProperty("ejected").GetBoolean();
            },
            "the dead endpoint is ejected",
            TimeSpan.FromSeconds(10));
        await Await.UntilAsync(async () => (await ServiceRoutes.RoutedUrlsAsync(client, service, 6)).SetEquals([good.BaseUrl]), "every request is answered by the live endpoint", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task OpenCircuit_Answers503WithRetryAfter_WithoutTouchingTheDownstream_ThenAProbeClosesIt()
    {
        await using var downstream = await FlakyDownstream.StartAsync();
        downstream.Status = 500;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = downstream.BaseUrl } },
            circuitBreaker = new { failureRatio = 0.5, minimumThroughput = 5, samplingSeconds = 30, breakSeconds = 2 },
        });

        await Await.UntilAsync(async () => (int)(await client.GetAsync($"/{service}/x")).StatusCode == 503, "the circuit opens", TimeSpan.FromSeconds(10));

        var touched = downstream.Requests;
        var took = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var refused = await client.GetAsync($"/{service}/x");
            took.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (i == 0)
            {
                await Expect.ProblemAsync(refused, 503, "circuit-open");
                Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 2);
            }
        }

        took.Sort();
        output.WriteLine($"open circuit: 20 refusals, median {took[10]:F2} ms, slowest {took[^1]:F2} ms (in-process test server)");
        Assert.Equal(touched, downstream.Requests);
        Assert.Equal("open", (await gateway.ServiceAsync(service)).GetProperty("circuit").GetProperty("state").GetString());

        // The downstream recovers; after the break one probe goes through and closes the circuit.
        downstream.Status = 0;
        await Await.UntilAsync(async () => (int)(await client.GetAsync($"/{service}/x")).StatusCode == 200, "the probe closes the circuit", TimeSpan.FromSeconds(10));
        Assert.Equal("closed", (await gateway.ServiceAsync(service)).GetProperty("circuit").GetProperty("state").GetString());
        Assert.Equal(200, (int)(await client.GetAsync($"/{service}/x")).StatusCode);
    }

    [Fact]
    public async Task ProbeRefusedByAdmission_IsGivenBack_SoTheNextRequestProbesAtOnce()
    {
        await using var downstream = await FlakyDownstream.StartAsync();
        downstream.Status = 500;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = downstream.BaseUrl } },
            circuitBreaker = new { failureRatio = 0.5, minimumThroughput = 5, samplingSeconds = 30, breakSeconds = 2 },
        });
        var tenant = await gateway.CreateTenantAsync();
        using var spent = gateway.CreateKeyClient(await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("one", 1, 3600)));
        Assert.Equal(500, (int)(await spent.GetAsync($"/{service}/x")).StatusCode);
        await Await.UntilAsync(async () => (int)(await client.GetAsync($"/{service}/x")).StatusCode == 503, "the circuit opens", TimeSpan.FromSeconds(10));
        downstream.Status = 0;

        // After the break the spent key's request is granted the probe, then refused by its own limit (429).
        await Await.UntilAsync(async () => (int)(await spent.GetAsync($"/{service}/x")).StatusCode == 429, "the break is over", TimeSpan.FromSeconds(10));

        // The probe was given back: the next request probes at once and closes the circuit.
        Assert.Equal(200, (int)(await client.GetAsync($"/{service}/x")).StatusCode);
        Assert.Equal("closed", (await gateway.ServiceAsync(service)).GetProperty("circuit").GetProperty("state").GetString());
    }

    [Fact]
    public async Task ActiveHealthChecks_KeepTrafficOffAnUnhealthyEndpoint_AndBringItBack()
    {
        await using var good = await FlakyDownstream.StartAsync();
        await using var sick = await FlakyDownstream.StartAsync();
        sick.HealthStatus = 503;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = good.BaseUrl }, new { url = sick.BaseUrl } },
            loadBalancing = "round-robin",
            healthCheck = new { path = "/health", intervalSeconds = 1, timeoutSeconds = 1, healthyThreshold = 1, unhealthyThreshold = 1 },
        });

        await Await.UntilAsync(async () => (await gateway.EndpointAsync(service, sick.BaseUrl)).GetProperty("health").GetString() == "unhealthy", "the health check marks it unhealthy", TimeSpan.FromSeconds(10));
        await Await.UntilAsync(async () => (await ServiceRoutes.RoutedUrlsAsync(client, service, 6)).SetEquals([good.BaseUrl]), "no request goes to it", TimeSpan.FromSeconds(5));
        Assert.Equal(0, sick.Requests);

        sick.HealthStatus = 200;
        await Await.UntilAsync(async () => (await ServiceRoutes.RoutedUrlsAsync(client, service, 6)).Contains(sick.BaseUrl), "it is back in rotation", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task EndpointChanges_AddDrainAndRemove_ApplyOnTheNextRequests()
    {
        await using var first = await FlakyDownstream.StartAsync();
        await using var second = await FlakyDownstream.StartAsync();
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new { endpoints = new[] { new { url = first.BaseUrl } }, loadBalancing = "round-robin" });
        Assert.True((await ServiceRoutes.RoutedUrlsAsync(client, service, 4)).SetEquals([first.BaseUrl]));
        using var admin = gateway.CreateAdminClient();

        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/services/{service}/endpoints", new object[] { new { url = first.BaseUrl }, new { url = second.BaseUrl, weight = 2 } }), 200);
        Assert.True((await ServiceRoutes.RoutedUrlsAsync(client, service, 6)).SetEquals([first.BaseUrl, second.BaseUrl]));

        var drained = await Expect.JsonAsync(await admin.PutAsJsonAsync($"/admin/services/{service}/endpoints", new object[] { new { url = first.BaseUrl, drain = true }, new { url = second.BaseUrl } }), 200);
        Assert.False(drained.GetProperty("endpoints")[0].GetProperty("available").GetBoolean());
        Assert.True((await ServiceRoutes.RoutedUrlsAsync(client, service, 6)).SetEquals([second.BaseUrl]));

        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/services/{service}/endpoints", new object[] { new { url = first.BaseUrl } }), 200);
        Assert.True((await ServiceRoutes.RoutedUrlsAsync(client, service, 4)).SetEquals([first.BaseUrl]));
    }

    [Fact]
    public async Task ManualIsolation_HoldsTheCircuitOpen_UntilClosed()
    {
        await using var downstream = await FlakyDownstream.StartAsync();
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new { endpoints = new[] { new { url = downstream.BaseUrl } } });
        using var admin = gateway.CreateAdminClient();

        await Expect.StatusAsync(await admin.PostAsync($"/admin/services/{service}/circuit/isolate", null), 200);
        await Expect.ProblemAsync(await client.GetAsync($"/{service}/x"), 503, "circuit-open");
        Assert.Equal(0, downstream.Requests);

        await Expect.StatusAsync(await admin.PostAsync($"/admin/services/{service}/circuit/close", null), 200);
        Assert.Equal(200, (int)(await client.GetAsync($"/{service}/x")).StatusCode);
    }

    [Fact]
    public async Task IdempotentRequest_ToAFailingEndpoint_IsRetriedOnAnotherOne_PostIsNot()
    {
        await using var good = await FlakyDownstream.StartAsync();
        await using var bad = await FlakyDownstream.StartAsync();
        bad.Status = 503;
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = good.BaseUrl }, new { url = bad.BaseUrl } },
            loadBalancing = "round-robin",
            circuitBreaker = ServiceRoutes.NoBreaker,
            outlierDetection = new { maxEjectionPercent = 0 },
        });

        var gets = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            gets.Add((int)(await client.GetAsync($"/{service}/x")).StatusCode);
        }

        Assert.All(gets, s => Assert.Equal(200, s));
        Assert.InRange(bad.Requests, 1, 6);

        var posts = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            posts.Add((int)(await client.PostAsync($"/{service}/x", new StringContent("body"))).StatusCode);
        }

        Assert.Contains(503, posts);
    }

    [Fact]
    public async Task Post_WithAnIdempotencyKey_IsForwardedOnce_AndTheAnswerReplayed()
    {
        await using var downstream = await FlakyDownstream.StartAsync();
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new { endpoints = new[] { new { url = downstream.BaseUrl } } });

        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/{service}/orders") { Content = new StringContent("{}") };
            request.Headers.Add("Idempotency-Key", "order-42");
            return await client.SendAsync(request);
        }

        var first = await PostAsync();
        var second = await PostAsync();

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("true", second.Headers.GetValues("Idempotency-Replayed").Single());
        Assert.Equal(1, downstream.Requests);
    }
}
