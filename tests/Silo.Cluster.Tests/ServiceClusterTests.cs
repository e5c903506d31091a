using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Silo.TestKit;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Silo.Cluster.Tests;

/// <summary>Downstream services across real front-end processes: the breaker's quorum and endpoint changes.</summary>
[Trait("Category", "Cluster")]
public sealed class ServiceClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OneFrontEndSeeingFailures_DoesNotOpenTheCircuit_TwoDo()
    {
        await using var downstream = await NamedDownstream.StartAsync("a");
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, frontEnds: 2);
        var key = (await cluster.CreateKeysAsync("quorum", 1, limit: 1_000_000, windowSeconds: 60))[0];
        var service = await CreateServiceAsync(cluster, downstream.BaseUrl, new { failureRatio = 0.5, minimumThroughput = 10, breakSeconds = 60, minimumReporters = 2 });
        var (sick, healthy) = (cluster.FrontEnds[0], cluster.FrontEnds[1]);

        // The healthy front end's calls succeed; every call through the sick one fails (its clients send X-Fail).
        Assert.All(await SendAsync(healthy, key, service, 20, fail: false), s => Assert.Equal(200, s));
        Assert.All(await SendAsync(sick, key, service, 40, fail: true), s => Assert.Equal(500, s));
        await Await.UntilAsync(async () => (await CircuitAsync(cluster, service)).GetProperty("failures").GetInt64() >= 40, "the sick front end's failures reached the grain", TimeSpan.FromSeconds(10));

        var circuit = await CircuitAsync(cluster, service);
        Assert.Equal("closed", circuit.GetProperty("state").GetString());
        Assert.Equal(1, circuit.GetProperty("failingReporters").GetInt32());
        Assert.All(await SendAsync(sick, key, service, 5, fail: true), s => Assert.Equal(500, s));

        // Now the second front end fails too: a quorum of two front ends opens it for everyone.
        await SendAsync(healthy, key, service, 40, fail: true);
        await Await.UntilAsync(async () => (await CircuitAsync(cluster, service)).GetProperty("state").GetString() == "open", "the circuit opens", TimeSpan.FromSeconds(10));
        await Await.UntilAsync(async () => (await SendAsync(healthy, key, service, 1, fail: false))[0] == 503, "the healthy front end holds calls back too", TimeSpan.FromSeconds(5));
        Assert.Equal(2, (await CircuitAsync(cluster, service)).GetProperty("failingReporters").GetInt32());
    }

    [Fact]
    public async Task EndpointChange_ThroughOneFrontEnd_ReachesTheOtherWithinAboutASecond()
    {
        await using var first = await NamedDownstream.StartAsync("first");
        await using var second = await NamedDownstream.StartAsync("second");
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, frontEnds: 2);
        var key = (await cluster.CreateKeysAsync("moves", 1, limit: 1_000_000, windowSeconds: 60))[0];
        var service = await CreateServiceAsync(cluster, first.BaseUrl, breaker: null);
        var other = cluster.FrontEnds[1];
        Assert.Equal("first", await AnsweredByAsync(other, key, service));

        using var admin = cluster.FrontEnds[0].Admin();
        var changedAt = Stopwatch.StartNew();
        var put = await admin.PutAsJsonAsync($"/admin/services/{service}/endpoints", new[] { new { url = second.BaseUrl } });
        Assert.Equal(200, (int)put.StatusCode);
        await Await.UntilAsync(async () => await AnsweredByAsync(other, key, service) == "second", "the other front end routes to the new endpoint", TimeSpan.FromSeconds(10));
        var took = changedAt.Elapsed;
        output.WriteLine($"endpoint change reached the other front end after {took.TotalMilliseconds:F0} ms");

        // The routing cache refreshes once a second; allow for a busy machine.
        Assert.True(took < TimeSpan.FromSeconds(2.5), $"took {took.TotalSeconds:F2} s");
    }

    [Fact]
    public async Task ServiceDeleted_ThroughOneFrontEnd_IsNoLongerRoutedByTheOtherWithinAboutTwoSeconds()
    {
        await using var downstream = await NamedDownstream.StartAsync("there");
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, frontEnds: 2);
        var key = (await cluster.CreateKeysAsync("deletes", 1, limit: 1_000_000, windowSeconds: 60))[0];
        var service = await CreateServiceAsync(cluster, downstream.BaseUrl, breaker: null);
        var other = cluster.FrontEnds[1];
        Assert.Equal("there", await AnsweredByAsync(other, key, service));

        using var admin = cluster.FrontEnds[0].Admin();
        var deletedAt = Stopwatch.StartNew();
        Assert.Equal(204, (int)(await admin.DeleteAsync($"/admin/services/{service}")).StatusCode);
        Assert.Equal(404, (await SendAsync(cluster.FrontEnds[0], key, service, 1, fail: false))[0]);
        await Await.UntilAsync(async () => (await SendAsync(other, key, service, 1, fail: false))[0] == 404, "the other front end stops routing the service", TimeSpan.FromSeconds(10));
        var took = deletedAt.Elapsed;
        output.WriteLine($"service delete reached the other front end after {took.TotalMilliseconds:F0} ms");

        // The directory copy and the route each refresh once a second; allow for a busy machine.
        Assert.True(took < TimeSpan.FromSeconds(3.5), $"took {took.TotalSeconds:F2} s");
    }

    /// <summary>
    /// The console's traffic series, read through one front end, add up what every front end served: each front
    /// end registers its record with the cluster and the reading one asks them all.
    /// </summary>
    [Fact]
    public async Task Traffic_ServedByTwoFrontEnds_IsAddedUpWhenReadThroughEither()
    {
        await using var downstream = await NamedDownstream.StartAsync("counted");
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, frontEnds: 2);
        var key = (await cluster.CreateKeysAsync("traffic", 1, limit: 1_000_000, windowSeconds: 60))[0];
        var service = await CreateServiceAsync(cluster, downstream.BaseUrl, breaker: null);
        Assert.All(await SendAsync(cluster.FrontEnds[0], key, service, 3, fail: false), s => Assert.Equal(200, s));
        Assert.All(await SendAsync(cluster.FrontEnds[1], key, service, 5, fail: true), s => Assert.Equal(500, s));

        foreach (var frontEnd in cluster.FrontEnds)
        {
            using var admin = frontEnd.Admin();
            JsonElement traffic = default;
            await Await.UntilAsync(
                async () =>
                {
                    traffic = JsonDocument.Parse(await admin.GetStringAsync($"/admin/services/{service}/traffic?seconds=60")).RootElement;
                    return traffic.GetProperty("frontEndsAnswered").GetInt32() == 2 && Sum(traffic, "attempts") == 8;
                },
                "both front ends' attempts are added up",
                TimeSpan.FromSeconds(60));
            Assert.Equal(2, traffic.GetProperty("frontEnds").GetInt32());
            Assert.Equal(5, Sum(traffic, "failures"));
        }

        static long Sum(JsonElement traffic, string series) => traffic.GetProperty(series).EnumerateArray().Sum(v => v.GetInt64());
    }

    /// <summary>
    /// Cached responses in cluster mode: one front end's fetch is stored in Redis too and serves the other; a purge
    /// through one front end removes them from every front end and from Redis before it answers; Redis frozen
    /// (SIGSTOP) makes lookups misses, never failed requests.
    /// </summary>
    [Fact]
    public async Task CachedResponses_AreSharedThroughRedis_PurgedEverywhere_AndServedWithRedisFrozen()
    {
        var fetched = 0;
        await using var downstream = await LoopbackApp.StartAsync(app => app.Map("/{**path}", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "max-age=300";
            return Results.Text($"fetch {Interlocked.Increment(ref fetched)}");
        }));
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, frontEnds: 2);
        var key = (await cluster.CreateKeysAsync("cached", 1, limit: 1_000_000, windowSeconds: 60))[0];
        var service = await CreateServiceAsync(cluster, downstream.BaseUrl, breaker: null, cache: new { maxTtlSeconds = 300 });
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.Configuration);
        var server = redis.GetServer(redis.GetEndPoints()[0]);

        var first = await GetAsync(cluster.FrontEnds[0], key, service, "/x");
        Assert.Equal(("fetch 1", "silo; fwd=miss; stored"), first);
        await Await.UntilAsync(
            async () => await server.KeysAsync(pattern: $"silo:cache:{service}|*").CountAsync() == 2,
            "the response and its vary rule are in Redis",
            TimeSpan.FromSeconds(10));
        var shared = await GetAsync(cluster.FrontEnds[1], key, service, "/x");
        Assert.Equal("fetch 1", shared.Body);
        Assert.StartsWith("silo; hit; ttl=", shared.Status, StringComparison.Ordinal);
        Assert.EndsWith("; detail=shared", shared.Status, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref fetched));

        // Every front end registers with the cluster once it is up; purge until both have answered.
        using var admin = cluster.FrontEnds[0].Admin();
        var removed = 0;
        await Await.UntilAsync(
            async () =>
            {
                var answer = JsonDocument.Parse(await (await admin.DeleteAsync($"/admin/services/{service}/cache")).Content.ReadAsStringAsync()).RootElement;
                removed += answer.GetProperty("removed").GetInt32();
                return answer.GetProperty("frontEndsAnswered").GetInt32() == 2;
            },
            "both front ends answer the purge",
            TimeSpan.FromSeconds(60));
        Assert.Equal(2, removed);
        Assert.Empty(await server.KeysAsync(pattern: $"silo:cache:{service}|*").ToListAsync());
        Assert.Equal("fetch 2", (await GetAsync(cluster.FrontEnds[1], key, service, "/x")).Body);

        cluster.Redis.Freeze();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var took = Stopwatch.StartNew();
                var (body, status) = await GetAsync(cluster.FrontEnds[0], key, service, $"/frozen-{i}");
                output.WriteLine($"Redis frozen: a cached service's miss answered in {took.ElapsedMilliseconds} ms");
                Assert.StartsWith("fetch ", body, StringComparison.Ordinal);
                Assert.Equal("silo; fwd=miss; stored; detail=redis-unavailable", status);

                // Two Redis reads of 250 ms at most each, and the downstream's answer.
                Assert.True(took.Elapsed < TimeSpan.FromSeconds(2), $"took {took.ElapsedMilliseconds} ms");
            }
        }
        finally
        {
            cluster.Redis.Resume();
        }
    }

    private static async Task<(string Body, string Status)> GetAsync(FrontEndProcess frontEnd, string key, string service, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}{path}");
        request.Headers.Add("X-Api-Key", key);
        using var response = await frontEnd.Client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), string.Join(", ", response.Headers.GetValues("Cache-Status")));
    }

    private static async Task<string> CreateServiceAsync(ProcessCluster cluster, string url, object? breaker, object? cache = null)
    {
        var id = "svc-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = cluster.FrontEnds[0].Admin();
        var response = await admin.PostAsJsonAsync("/admin/services", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["endpoints"] = new[] { new { url } },
            ["circuitBreaker"] = breaker ?? new { minimumThroughput = 1_000_000 },
            ["cache"] = cache,
        });
        Assert.Equal(201, (int)response.StatusCode);
        return id;
    }

    private static async Task<JsonElement> CircuitAsync(ProcessCluster cluster, string service)
    {
        using var admin = cluster.FrontEnds[0].Admin();
        return JsonDocument.Parse(await admin.GetStringAsync($"/admin/services/{service}")).RootElement.GetProperty("circuit");
    }

    private static async Task<List<int>> SendAsync(FrontEndProcess frontEnd, string key, string service, int count, bool fail)
    {
        var statuses = new List<int>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/x");
            request.Headers.Add("X-Api-Key", key);
            if (fail)
            {
                request.Headers.Add("X-Fail", "1");
            }

            using var response = await frontEnd.Client.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }

        return statuses;
    }

    private static async Task<string> AnsweredByAsync(FrontEndProcess frontEnd, string key, string service)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/x");
        request.Headers.Add("X-Api-Key", key);
        using var response = await frontEnd.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A downstream that answers with its name, or 500 when the request carries X-Fail.</summary>
    private static class NamedDownstream
    {
        public static Task<LoopbackApp> StartAsync(string name) =>
            LoopbackApp.StartAsync(app => app.Map(
                "/{**path}",
                (HttpContext context) => context.Request.Headers.ContainsKey("X-Fail") ? Results.StatusCode(500) : Results.Text(name)));
    }
}
