using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;
using Silo.Api.Tests.Services;
using Silo.TestKit;

namespace Silo.Api.Tests.Caching;

/// <summary>
/// The response cache end to end (RFC 9111 as a shared cache, RFC 9211 Cache-Status): the front end with its
/// embedded silo in front of a real downstream that sends the caching headers each case asks for.
/// </summary>
public sealed class ResponseCacheTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private static readonly object Cached = new { maxTtlSeconds = 300 };

    [Fact]
    public async Task FreshResponse_IsStored_ThenAnsweredFromTheCache_WithAgeAndCacheStatus()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, Cached);

        var first = await client.GetAsync($"/{service}/a?cc=max-age%3D60,public&age=30");
        Assert.Equal("n=1;lang=", await first.Content.ReadAsStringAsync());
        Assert.Equal("silo; fwd=miss; stored", Status(first));

        var second = await client.GetAsync($"/{service}/a?cc=max-age%3D60,public&age=30");
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal("n=1;lang=", await second.Content.ReadAsStringAsync());
        Assert.StartsWith("silo; hit; ttl=", Status(second), StringComparison.Ordinal);
        Assert.InRange(int.Parse(Status(second)["silo; hit; ttl=".Length..], System.Globalization.CultureInfo.InvariantCulture), 1, 30);
        Assert.InRange(second.Headers.Age!.Value.TotalSeconds, 30, 59);
        Assert.Equal(1, downstream.Requests);

        // HEAD is answered from the stored GET, without a body.
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/{service}/a?cc=max-age%3D60,public&age=30"));
        Assert.StartsWith("silo; hit", Status(head), StringComparison.Ordinal);
        Assert.Equal(1, downstream.Requests);
    }

    [Theory]
    [InlineData("cc=no-store", "no-store")]
    [InlineData("cc=private,max-age%3D60", "private")]
    [InlineData("cc=no-cache,max-age%3D60", "no-cache")]
    [InlineData("cc=max-age%3D60&cookie=1", "set-cookie")]
    [InlineData("cc=max-age%3D60&vary=*", "vary-star")]
    [InlineData("cc=max-age%3D60&status=500", "status")]
    [InlineData("cc=max-age%3D10&age=10", "stale")]
    [InlineData("expires=bad", "stale")]
    [InlineData("x=1", "no-freshness")]
    [InlineData("cc=max-age%3D60&size=2000", "too-large")]
    public async Task ResponseTheRulesForbid_IsPassedOn_NotStored(string query, string reason)
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, new { maxEntryBytes = 1000 });

        var first = await client.GetAsync($"/{service}/r?{query}");
        Assert.Equal($"silo; fwd=miss; detail={reason}", Status(first));
        var second = await client.GetAsync($"/{service}/r?{query}");
        Assert.Equal($"silo; fwd=miss; detail={reason}", Status(second));
        Assert.Equal(2, downstream.Requests);
    }

    [Theory]
    [InlineData("cc=s-maxage%3D60,max-age%3D0")]
    [InlineData("expires=60")]
    public async Task SharedMaxAgeAndExpires_MakeAResponseFresh(string query)
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, Cached);

        await client.GetAsync($"/{service}/f?{query}");
        var second = await client.GetAsync($"/{service}/f?{query}");
        Assert.StartsWith("silo; hit", Status(second), StringComparison.Ordinal);
        Assert.Equal(1, downstream.Requests);
    }

    [Fact]
    public async Task DefaultTtl_ServesResponsesThatSayNothing_AndMaxTtlBoundsWhatTheySay()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, new { defaultTtlSeconds = 20, maxTtlSeconds = 30 });

        await client.GetAsync($"/{service}/d");
        var hit = await client.GetAsync($"/{service}/d");
        Assert.InRange(int.Parse(Status(hit)["silo; hit; ttl=".Length..], System.Globalization.CultureInfo.InvariantCulture), 1, 20);

        await client.GetAsync($"/{service}/m?cc=max-age%3D3600");
        var bounded = await client.GetAsync($"/{service}/m?cc=max-age%3D3600");
        Assert.InRange(int.Parse(Status(bounded)["silo; hit; ttl=".Length..], System.Globalization.CultureInfo.InvariantCulture), 1, 30);
        Assert.Equal(2, downstream.Requests);
    }

    [Fact]
    public async Task Vary_KeepsOneEntryPerValue_OfTheHeadersNamed()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, Cached);
        const string Path = "/v?cc=max-age%3D60&vary=Accept-Language";

        Assert.Equal("n=1;lang=en", await GetAsync(client, service + Path, "en"));
        Assert.Equal("n=2;lang=fr", await GetAsync(client, service + Path, "fr"));
        Assert.Equal("n=1;lang=en", await GetAsync(client, service + Path, "en"));
        Assert.Equal("n=2;lang=fr", await GetAsync(client, service + Path, "fr"));
        Assert.Equal(2, downstream.Requests);
    }

    [Fact]
    public async Task RequestDirectivesAndAuthorization_GoToTheDownstream()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, Cached);
        var path = $"/{service}/q?cc=max-age%3D60";
        await client.GetAsync(path);

        // no-cache: fetched again, and the fresh answer replaces the stored one.
        using var noCache = new HttpRequestMessage(HttpMethod.Get, path);
        noCache.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        var refreshed = await client.SendAsync(noCache);
        Assert.Equal("silo; fwd=request; stored", Status(refreshed));
        Assert.Equal("n=2;lang=", await (await client.GetAsync(path)).Content.ReadAsStringAsync());

        // no-store: fetched, and not stored.
        using var noStore = new HttpRequestMessage(HttpMethod.Get, $"/{service}/other?cc=max-age%3D60");
        noStore.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };
        Assert.Equal("silo; fwd=request; detail=no-store", Status(await client.SendAsync(noStore)));
        Assert.StartsWith("silo; fwd=miss", Status(await client.GetAsync($"/{service}/other?cc=max-age%3D60")), StringComparison.Ordinal);

        // An Authorization the downstream gets: its answer may be that caller's alone.
        using var authorized = new HttpRequestMessage(HttpMethod.Get, path);
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        Assert.Equal("silo; fwd=bypass; detail=authorization", Status(await client.SendAsync(authorized)));

        var post = await client.PostAsync(path, new StringContent("x"));
        Assert.Equal("silo; fwd=method", Status(post));
        Assert.Equal(6, downstream.Requests);
    }

    [Fact]
    public async Task StaleEntry_WithAnETag_IsRevalidated_A304RefreshesIt_AChangeReplacesIt()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, Cached);
        var path = $"/{service}/e?cc=max-age%3D1&etag=1";
        Assert.Equal("n=1;lang=", await (await client.GetAsync(path)).Content.ReadAsStringAsync());

        // Once it is stale (a second on), the next request asks the downstream with If-None-Match.
        HttpResponseMessage revalidated = null!;
        await Await.UntilAsync(
            async () => Status(revalidated = await client.GetAsync(path)).Contains("fwd=stale", StringComparison.Ordinal),
            "the stored response goes stale and is revalidated",
            TimeSpan.FromSeconds(10));
        Assert.Equal("silo; fwd=stale; fwd-status=304; stored", Status(revalidated));
        Assert.Equal(200, (int)revalidated.StatusCode);
        Assert.Equal("n=1;lang=", await revalidated.Content.ReadAsStringAsync());
        Assert.Equal("\"v1\"", revalidated.Headers.ETag!.Tag);
        Assert.Equal(1, downstream.NotModified);

        // The downstream's copy changes: the next revalidation gets it whole and stores it.
        downstream.Version = "v2";
        await Await.UntilAsync(
            async () => Status(revalidated = await client.GetAsync(path)).Contains("fwd=stale", StringComparison.Ordinal),
            "the refreshed response goes stale and is revalidated",
            TimeSpan.FromSeconds(10));
        Assert.Equal("silo; fwd=stale; fwd-status=200; stored", Status(revalidated));
        Assert.Equal("n=3;lang=", await revalidated.Content.ReadAsStringAsync());
        Assert.Equal(1, downstream.NotModified);
        Assert.Equal(3, downstream.Requests);
    }

    [Fact]
    public async Task ResponseWithoutFreshness_LivesLongerWhileUnchangedAndUsed_ShorterOnceChanged()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, new { defaultTtlSeconds = 1, maxTtlSeconds = 8 });
        var path = $"/{service}/adaptive?etag=1";
        await client.GetAsync(path);
        Assert.Equal("silo; hit; ttl=1", Status(await client.GetAsync(path)));

        // Revalidated unchanged after a hit: fresh twice as long.
        await StaleAsync(client, path);
        Assert.Equal("silo; hit; ttl=2", Status(await client.GetAsync(path)));

        // Changed: half as long again (a second at least).
        downstream.Version = "v2";
        await StaleAsync(client, path);
        Assert.Equal("silo; hit; ttl=1", Status(await client.GetAsync(path)));
    }

    private static async Task StaleAsync(HttpClient client, string path) =>
        await Await.UntilAsync(
            async () => Status(await client.GetAsync(path)).Contains("fwd=stale", StringComparison.Ordinal),
            "the stored response goes stale and is revalidated",
            TimeSpan.FromSeconds(15));

    [Fact]
    public async Task Scope_TenantEntriesAreTheTenants_SharedEntriesEveryones()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, Cached);
        var tenant = await gateway.CreateTenantAsync();
        using var other = gateway.CreateKeyClient(await gateway.CreateKeyAsync(tenant));
        var path = $"/{service}/t?cc=max-age%3D60";

        await client.GetAsync(path);
        Assert.StartsWith("silo; fwd=miss", Status(await other.GetAsync(path)), StringComparison.Ordinal);
        Assert.Equal(2, downstream.Requests);

        var (shared, first) = await RegisterAsync(downstream, new { scope = "shared" });
        await first.GetAsync($"/{shared}/t?cc=max-age%3D60");
        Assert.StartsWith("silo; hit", Status(await other.GetAsync($"/{shared}/t?cc=max-age%3D60")), StringComparison.Ordinal);
        Assert.Equal(3, downstream.Requests);
    }

    [Fact]
    public async Task AHit_SpendsTheKeysLimit_LikeAnyRequest()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var service = await gateway.RegisterServiceAsync(new { endpoints = new[] { new { url = downstream.BaseUrl } }, cache = Cached });
        var tenant = await gateway.CreateTenantAsync();
        using var client = gateway.CreateKeyClient(await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("three", 3, 3600)));
        var path = $"/{service}/l?cc=max-age%3D60";

        for (var i = 0; i < 3; i++)
        {
            var admitted = await client.GetAsync(path);
            Assert.Equal(200, (int)admitted.StatusCode);
            Assert.Contains($"r={2 - i}", admitted.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        }

        var refused = await client.GetAsync(path);
        Assert.Equal(429, (int)refused.StatusCode);
        Assert.Equal(1, downstream.Requests);
    }

    [Fact]
    public async Task FreeHits_SpendNothing_MissesSpendTheirUnit()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var service = await gateway.RegisterServiceAsync(new { endpoints = new[] { new { url = downstream.BaseUrl } }, cache = new { freeHits = true } });
        var tenant = await gateway.CreateTenantAsync();
        using var client = gateway.CreateKeyClient(await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("two", 2, 3600)));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (int)(await client.GetAsync($"/{service}/a?cc=max-age%3D60")).StatusCode);
        }

        Assert.Equal(200, (int)(await client.GetAsync($"/{service}/b?cc=max-age%3D60")).StatusCode);
        var spent = await client.GetAsync($"/{service}/c?cc=max-age%3D60");
        Assert.Equal(429, (int)spent.StatusCode);
        Assert.Equal(2, downstream.Requests);

        // Hits of what is stored still come, the key's units spent or not.
        Assert.StartsWith("silo; hit", Status(await client.GetAsync($"/{service}/a?cc=max-age%3D60")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentMisses_OfOneKey_MakeOneDownstreamRequest()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, Cached);

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            var response = await client.GetAsync($"/{service}/s?cc=max-age%3D60&delay=500");
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.All(answers, a => Assert.Equal((200, "n=1;lang="), a));
        Assert.Equal(1, downstream.Requests);
    }

    [Fact]
    public async Task Purge_ByPrefixOrAll_RemovesTheServicesEntries()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, client) = await RegisterAsync(downstream, Cached);
        string[] paths = [$"/{service}/img/a?cc=max-age%3D60", $"/{service}/img/b?cc=max-age%3D60", $"/{service}/doc?cc=max-age%3D60"];
        foreach (var path in paths)
        {
            await client.GetAsync(path);
        }

        using var admin = gateway.CreateAdminClient();
        var some = await Expect.JsonAsync(await admin.DeleteAsync($"/admin/services/{service}/cache?prefix=/img/"), 200);
        Assert.Equal(2, some.GetProperty("removed").GetInt32());
        Assert.Equal(1, some.GetProperty("frontEndsAnswered").GetInt32());
        Assert.StartsWith("silo; fwd=miss", Status(await client.GetAsync(paths[0])), StringComparison.Ordinal);
        Assert.StartsWith("silo; hit", Status(await client.GetAsync(paths[2])), StringComparison.Ordinal);

        var all = await Expect.JsonAsync(await admin.DeleteAsync($"/admin/services/{service}/cache"), 200);
        Assert.Equal(2, all.GetProperty("removed").GetInt32());
        Assert.StartsWith("silo; fwd=miss", Status(await client.GetAsync(paths[2])), StringComparison.Ordinal);

        await Expect.ProblemAsync(await admin.DeleteAsync($"/admin/services/{service}/cache?prefix=img"), 400, "validation-failed");
        await Expect.ProblemAsync(await admin.DeleteAsync("/admin/services/no-such-service/cache"), 404, "unknown-service");
    }

    [Fact]
    public async Task TenantBudget_BoundsItsEntries_LeastRecentlyUsedOut_AnotherTenantsUntouched()
    {
        await using var downstream = await CachingDownstream.StartAsync();
        var (service, other) = await RegisterAsync(downstream, Cached);
        using var admin = gateway.CreateAdminClient();
        var tenant = GatewayFactory.NewId("t");
        await Expect.JsonAsync(await GatewayFactory.PostForSetupAsync(admin, "/admin/tenants", new { id = tenant, name = "small", cache = new { maxBytes = 1_000_000, maxItems = 2 } }), 201);
        using var client = gateway.CreateKeyClient(await gateway.CreateKeyAsync(tenant));
        string Path(int i) => $"/{service}/p{i}?cc=max-age%3D60";

        await other.GetAsync(Path(9));
        await client.GetAsync(Path(0));
        await Await.UntilAsync(
            async () => (await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}/cache"), 200)).GetProperty("maxItems").GetInt32() == 2,
            "the front end applies the tenant's own budget",
            TimeSpan.FromSeconds(10));
        for (var i = 1; i <= 3; i++)
        {
            Assert.StartsWith("silo; fwd=miss; stored", Status(await client.GetAsync(Path(i))), StringComparison.Ordinal);
        }

        var usage = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}/cache"), 200);
        Assert.Equal(2, usage.GetProperty("items").GetInt32());
        Assert.StartsWith("silo; hit", Status(await client.GetAsync(Path(3))), StringComparison.Ordinal);
        Assert.StartsWith("silo; fwd=miss", Status(await client.GetAsync(Path(1))), StringComparison.Ordinal);
        Assert.StartsWith("silo; hit", Status(await other.GetAsync(Path(9))), StringComparison.Ordinal);

        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/cache", new { maxBytes = 0, maxItems = 0 }), 400, "validation-failed");
        Assert.Equal(5, (await Expect.JsonAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/cache", new { maxBytes = 10, maxItems = 5 }), 200)).GetProperty("cache").GetProperty("maxItems").GetInt32());
        Assert.Equal(JsonValueKind.Null, (await Expect.JsonAsync(await admin.DeleteAsync($"/admin/tenants/{tenant}/cache"), 200)).GetProperty("cache").ValueKind);
    }

    [Fact]
    public async Task InvalidPolicy_Is400_NamingEachField()
    {
        using var admin = gateway.CreateAdminClient();
        var response = await GatewayFactory.PostForSetupAsync(admin, "/admin/services", new
        {
            id = GatewayFactory.NewId("svc"),
            endpoints = new[] { new { url = "http://127.0.0.1:9" } },
            cache = new { maxTtlSeconds = 0, defaultTtlSeconds = -1, maxEntryBytes = 0, varyBy = new[] { "bad header" } },
        });
        var problem = await Expect.ProblemAsync(response, 400, "validation-failed");
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["cache.maxTtlSeconds", "cache.defaultTtlSeconds", "cache.maxEntryBytes", "cache.varyBy"], StringComparer.Ordinal), errors);
    }

    private async Task<(string Service, HttpClient Client)> RegisterAsync(CachingDownstream downstream, object cache) =>
        await gateway.RegisterServiceWithKeyAsync(new { endpoints = new[] { new { url = downstream.BaseUrl } }, cache });

    private static async Task<string> GetAsync(HttpClient client, string path, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/" + path);
        request.Headers.AcceptLanguage.ParseAdd(language);
        return await (await client.SendAsync(request)).Content.ReadAsStringAsync();
    }

    private static string Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "(none)";
}
