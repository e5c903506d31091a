using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Silo.Api.Auth;
using Silo.Api.Tests.Infrastructure;
using Silo.Grains.Keys;

namespace Silo.Api.Tests.DataPlane;

/// <summary>
/// Hostile and confused input on real Kestrel: each gets its 4xx (a problem body where the gateway writes one),
/// never a 500 or a trace of internals, and a rejected request takes nothing from any bucket while an admitted
/// one takes exactly its cost from its own key's bucket, whatever the spelling of its path.
/// </summary>
public sealed class BadInputTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    /// <summary>Long enough that a token bucket does not refill a unit while a test runs.</summary>
    private const int LongWindowSeconds = 31 * 24 * 3600;

    // ---- Credentials ----

    [Fact]
    public async Task MissingKey_Is401_OnProxyAndCheck_AndNeverReachesDownstream()
    {
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var client = gateway.CreateKeyClient("unused");
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        var reached = downstream.Requests;

        await Expect.ProblemAsync(await client.GetAsync($"/{service}/x"), 401, "invalid-api-key");
        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { }), 401, "invalid-api-key");

        Assert.Equal(reached, downstream.Requests);
    }

    [Fact]
    public async Task DuplicatedApiKeyHeader_Is401_AndDebitsNothing()
    {
        var (key, other) = await TwoKeysAsync();

        // Two header lines with the same key, two lines with different keys, and one line with two values.
        foreach (var headers in new[]
                 {
                     $"X-Api-Key: {key}\r\nX-Api-Key: {key}\r\n",
                     $"X-Api-Key: {key}\r\nX-Api-Key: {other}\r\n",
                     $"X-Api-Key: {key}, {key}\r\n",
                 })
        {
            Assert.Equal(401, await RawAsync("POST", "/v1/check", headers, "{}"));
        }

        Assert.Equal(10, await KeyRemainingAsync(key));
        Assert.Equal(10, await KeyRemainingAsync(other));
        Assert.Equal(9, await CheckRemainingAsync(key));
    }

    [Fact]
    public async Task ApiKeyAndBearer_WithDifferentKeys_Is401_AndDebitsNeither()
    {
        var (key, other) = await TwoKeysAsync();
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var client = gateway.CreateKeyClient(key);

        foreach (var path in new[] { "/v1/check", $"/{service}/x" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { }) };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + other);
            await Expect.ProblemAsync(await client.SendAsync(request), 401, "invalid-api-key");
        }

        Assert.Equal(10, await KeyRemainingAsync(key));
        Assert.Equal(10, await KeyRemainingAsync(other));
    }

    [Fact]
    public async Task ApiKeyAndBearer_WithTheSameKey_IsAdmittedOnce_AndDebitedOnce()
    {
        var (key, _) = await TwoKeysAsync();
        using var client = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check") { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);

        var body = await Expect.JsonAsync(await client.SendAsync(request), 200);

        Assert.Equal(9, body.GetProperty("remaining").GetInt64());
        Assert.Equal(9, await KeyRemainingAsync(key));
    }

    [Theory]
    [InlineData("X-Api-Key", 10_000, 401, "invalid-api-key")]
    [InlineData("Authorization", 10_000, 401, "invalid-api-key")]
    [InlineData("X-Api-Key", 20_000, 431, "headers-too-large")]
    public async Task OversizedKeyHeader_IsAProblem_NotA500_AndDebitsNothing(string header, int padding, int status, string type)
    {
        var (key, _) = await TwoKeysAsync();
        using var client = gateway.CreateKeyClient(key);
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check") { Content = JsonContent.Create(new { }) };
        var value = key + new string('a', padding);
        request.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + value : value);

        await Expect.ProblemAsync(await client.SendAsync(request), status, type);

        Assert.Equal(10, await KeyRemainingAsync(key));
    }

    [Fact]
    public async Task KeyHeaderBeyondKestrelsLimit_Is431_AndDebitsNothing()
    {
        var (key, _) = await TwoKeysAsync();

        Assert.Equal(431, await RawAsync("POST", "/v1/check", $"X-Api-Key: {key}{new string('a', 40_000)}\r\n", "{}"));

        Assert.Equal(10, await KeyRemainingAsync(key));
    }

    [Theory]
    [InlineData("X-Api-Key: {key}\r\nX-Evil: a\rb\r\n")]
    [InlineData("X-Api-Key: {key}\rX-Evil: b\r\n")]
    [InlineData("X-Api-Key: {key}\r\nX-Evil: a\r\n folded\r\n")]
    [InlineData("X-Api-Key: {key}\r\nX-Evil\r\n")]
    [InlineData("X-Api-Key: {key}\r\nX-Evil: a\0b\r\n")]
    public async Task CrOrBrokenLineInAHeader_Is400_AndDebitsNothing(string headers)
    {
        var (key, _) = await TwoKeysAsync();
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        var reached = downstream.Requests;

        Assert.Equal(400, await RawAsync("POST", "/v1/check", headers.Replace("{key}", key, StringComparison.Ordinal), "{}"));
        Assert.Equal(400, await RawAsync("GET", $"/{service}/x", headers.Replace("{key}", key, StringComparison.Ordinal)));

        Assert.Equal(reached, downstream.Requests);
        Assert.Equal(10, await KeyRemainingAsync(key));
    }

    // ---- Path spellings never open a fresh bucket ----

    [Fact]
    public async Task ProxyPathVariants_DebitTheKeysOneBucket_OrAreRefusedWithoutDebit()
    {
        const long capacity = 1000;
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", capacity, LongWindowSeconds));
        var s = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        var encodedFirst = $"%{(int)s[0]:X2}{s[1..]}";
        var authority = gateway.ClientOptions.BaseAddress!.Authority;
        string[] targets =
        [
            $"/{s}/x", $"/{s.ToUpperInvariant()}/x", $"/{s}/x/", $"/{s}", $"/{s}/", $"/{s}%2Fx", $"/{s}%2fx", $"/{s}//x",
            $"//{s}/x", $"/./{s}/x", $"/{s}/./x", $"/{s}/../{s}/x", $"/%2e/{s}/x", $"/{encodedFirst}/x", $"/{s}/x?y=1",
            $"/{s}/%2e%2e/{s}/x", $"/{s}%00/x", $"/{s}/x%00", $"/{s}%20/x", $"/{s};p/x", $"/{s}%3Bp/x", $"/{s}\\x", $"/{s}%5Cx",
            $"/{s}/x#frag", $"http://{authority}/{s}/x", $"/{s}./x", $"/{s}%2E/x", $"/ {s}/x",
        ];

        var admitted = 0;
        var remaining = capacity;
        var seen = new List<string>();
        foreach (var target in targets)
        {
            var status = await RawAsync("GET", target, $"X-Api-Key: {key}\r\n");
            var now = await KeyRemainingAsync(key);
            seen.Add($"{target} -> {status}, debited {remaining - now}");
            if (status is >= 200 and < 300)
            {
                admitted++;
                Assert.True(remaining - now == 1, string.Join('\n', seen));
            }
            else
            {
                Assert.True(status is >= 400 and < 500, string.Join('\n', seen));
                Assert.True(remaining == now, string.Join('\n', seen));
            }

            remaining = now;
        }

        Assert.Equal(capacity - admitted, await KeyRemainingAsync(key));
        Assert.InRange(admitted, 1, targets.Length - 1);
    }

    [Fact]
    public async Task CheckPathVariants_AnswerLikeCheck_OrAre404_WithoutDebit()
    {
        const long capacity = 1000;
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", capacity, LongWindowSeconds));
        (string Method, string Target)[] variants =
        [
            ("POST", "/v1/check"), ("POST", "/V1/check"), ("POST", "/v1/CHECK"), ("POST", "/V1/CHECK"), ("POST", "/v1/check/"),
            ("POST", "/v1//check"), ("POST", "//v1/check"), ("POST", "/./v1/check"), ("POST", "/v1/./check"), ("POST", "/v1/x/../check"),
            ("POST", "/v1%2Fcheck"), ("POST", "/%761/check"), ("POST", "/v1/check?cost=5"), ("POST", "/v1/check%20"),
            ("GET", "/v1/check"), ("PUT", "/v1/check"), ("DELETE", "/v1/check"),
        ];

        var admitted = 0;
        var remaining = capacity;
        var seen = new List<string>();
        foreach (var (method, target) in variants)
        {
            var status = await RawAsync(method, target, $"X-Api-Key: {key}\r\n", "{}");
            var now = await KeyRemainingAsync(key);
            seen.Add($"{method} {target} -> {status}, debited {remaining - now}");
            if (status == 200)
            {
                admitted++;
                Assert.True(remaining - now == 1, string.Join('\n', seen));
            }
            else
            {
                Assert.True(status is 404 or 405, string.Join('\n', seen));
                Assert.True(remaining == now, string.Join('\n', seen));
            }

            remaining = now;
        }

        Assert.Equal(capacity - admitted, await KeyRemainingAsync(key));
        Assert.InRange(admitted, 1, variants.Length - 1);
    }

    [Fact]
    public async Task Proxy_UnknownButWellFormedService_Is404_AndDebitsNothing()
    {
        var (key, _) = await TwoKeysAsync();
        using var client = gateway.CreateKeyClient(key);

        await Expect.ProblemAsync(await client.GetAsync($"/{GatewayFactory.NewId("nope")}/x"), 404, "unknown-service");

        Assert.Equal(10, await KeyRemainingAsync(key));
    }

    // ---- JSON type confusion in admin bodies ----

    [Theory]
    [InlineData("tenants", """{"id": 5, "name": "x"}""", 400, "invalid-json", "$.id")]
    [InlineData("tenants", """{"id":"{id}","name":["a"]}""", 400, "invalid-json", "$.name")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":"nope"}""", 400, "invalid-json", "$.limits")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":{"name":"a"}}""", 400, "invalid-json", "$.limits")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":"100","windowSeconds":60}]}""", 400, "invalid-json", "$.limits[0].limit")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":1e30,"windowSeconds":60}]}""", 400, "invalid-json", "$.limits[0].limit")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":1.5,"windowSeconds":60}]}""", 400, "invalid-json", "$.limits[0].limit")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":9223372036854775808,"windowSeconds":60}]}""", 400, "invalid-json", "$.limits[0].limit")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":100,"windowSeconds":1e10}]}""", 400, "invalid-json", "$.limits[0].windowSeconds")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"algorithm":"bogus"}]}""", 400, "invalid-json", "$.limits[0].algorithm")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":0,"limit":1,"windowSeconds":60}]}""", 400, "invalid-json", "$.limits[0].algorithm")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"fixed-window","limit":1,"windowSeconds":60,"calendar":"week"}]}""", 400, "invalid-json", "$.limits[0].calendar")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":1,"windowSeconds":60,"shadow":"yes"}]}""", 400, "invalid-json", "$.limits[0].shadow")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":100,"windowSeconds":-1}]}""", 400, "validation-failed", "limits[0].windowSeconds")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":100,"windowSeconds":60,"burst":-1}]}""", 400, "validation-failed", "limits[0].burst")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[{"name":"a","algorithm":"token-bucket","limit":0,"windowSeconds":60}]}""", 400, "validation-failed", "limits[0].limit")]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[null]}""", 400, "validation-failed", "limits[0]")]
    [InlineData("tenants", """{"id":"{id}","name":"x","windowSeconds":-1}""", 400, "invalid-json", null)]
    [InlineData("tenants", "null", 400, "invalid-json", null)]
    [InlineData("tenants", "[]", 400, "invalid-json", null)]
    [InlineData("tenants", "\"str\"", 400, "invalid-json", null)]
    [InlineData("tenants", "42", 400, "invalid-json", null)]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":[""", 400, "invalid-json", null)]
    [InlineData("tenants", """{"id":"{id}","name":"x","limits":DEEP}""", 400, "invalid-json", null)]
    [InlineData("tenants", """{"id":"{id}","name":"HUGE"}""", 413, "payload-too-large", null)]
    [InlineData("tenants", """{"id":"{id}","name":"x"}""", 415, "unsupported-media-type", null, "text/plain")]
    [InlineData("limits", """{"limits":[]}""", 400, "invalid-json", null)]
    [InlineData("limits", """[{"name":"a","algorithm":"token-bucket","limit":"100","windowSeconds":60}]""", 400, "invalid-json", "$[0].limit")]
    [InlineData("limits", """[{"name":"a","algorithm":"bogus","limit":1,"windowSeconds":60}]""", 400, "invalid-json", "$[0].algorithm")]
    [InlineData("limits", """[{"name":"a","algorithm":"token-bucket","limit":1,"windowSeconds":-1}]""", 400, "validation-failed", "limits[0].windowSeconds")]
    [InlineData("limits", "[null]", 400, "validation-failed", "limits[0]")]
    [InlineData("limits", "null", 400, "invalid-json", null)]
    [InlineData("limits", "\"str\"", 400, "invalid-json", null)]
    [InlineData("limits", "DEEP", 400, "invalid-json", null)]
    [InlineData("limits", "[", 400, "invalid-json", null)]
    [InlineData("limits", "[]", 415, "unsupported-media-type", null, "text/plain")]
    [InlineData("keys", """{"name":"k","expiresAt":"not a date"}""", 400, "invalid-json", "$.expiresAt")]
    [InlineData("keys", """{"name":"k","expiresAt":12345}""", 400, "invalid-json", "$.expiresAt")]
    [InlineData("keys", """{"name":"k","scopes":[1,2]}""", 400, "invalid-json", "$.scopes[0]")]
    [InlineData("keys", """{"name":"k","scopes":"orders"}""", 400, "invalid-json", "$.scopes")]
    [InlineData("keys", """{"name":5}""", 400, "invalid-json", "$.name")]
    [InlineData("keys", """{"name":"k","limits":{"name":"a"}}""", 400, "invalid-json", "$.limits")]
    [InlineData("keys", """{"name":"k","scopes":["Orders",null]}""", 400, "validation-failed", "scopes[0]")]
    [InlineData("keys", """{"name":"k","expiresAt":"2000-01-01T00:00:00Z"}""", 400, "validation-failed", "expiresAt")]
    [InlineData("keys", """{"name":""}""", 400, "validation-failed", "name")]
    [InlineData("keys", "null", 400, "invalid-json", null)]
    [InlineData("keys", "[]", 400, "invalid-json", null)]
    [InlineData("keys", """{"name":"HUGE"}""", 413, "payload-too-large", null)]
    [InlineData("rotate", """{"gracePeriodSeconds":"x"}""", 400, "invalid-json", "$.gracePeriodSeconds")]
    [InlineData("rotate", """{"gracePeriodSeconds":1.5}""", 400, "invalid-json", "$.gracePeriodSeconds")]
    [InlineData("rotate", """{"gracePeriodSeconds":99999999999}""", 400, "invalid-json", "$.gracePeriodSeconds")]
    [InlineData("rotate", """{"gracePeriodSeconds":-5}""", 400, "validation-failed", "gracePeriodSeconds")]
    [InlineData("rotate", """{"gracePeriodSeconds":2592001}""", 400, "validation-failed", "gracePeriodSeconds")]
    [InlineData("rotate", """{"grace":5}""", 400, "invalid-json", null)]
    [InlineData("rotate", "null", 400, "invalid-json", null)]
    [InlineData("rotate", "[]", 400, "invalid-json", null)]
    [InlineData("rotate", "{", 400, "invalid-json", null)]
    [InlineData("rotate", """{"gracePeriodSeconds":0}""", 415, "unsupported-media-type", null, "text/plain")]
    [InlineData("services", """{"id":5}""", 400, "invalid-json", "$.id")]
    [InlineData("services", """{"id":"{id}","endpoints":"http://127.0.0.1:9"}""", 400, "invalid-json", "$.endpoints")]
    [InlineData("services", """{"id":"{id}","endpoints":[{"url":"http://127.0.0.1:9","weight":"1"}]}""", 400, "invalid-json", "$.endpoints[0].weight")]
    [InlineData("services", """{"id":"{id}","endpoints":[{"url":"http://127.0.0.1:9"}],"loadBalancing":"bogus"}""", 400, "invalid-json", "$.loadBalancing")]
    [InlineData("services", """{"id":"{id}","endpoints":[{"url":"http://127.0.0.1:9"}],"circuitBreaker":{"failureRatio":"half"}}""", 400, "invalid-json", "$.circuitBreaker.failureRatio")]
    [InlineData("services", """{"id":"{id}","endpoints":[{"url":"http://127.0.0.1:9"}],"timeoutSeconds":-1}""", 400, "validation-failed", "timeoutSeconds")]
    [InlineData("services", """{"id":"{id}","endpoints":[null]}""", 400, "validation-failed", "endpoints[0].url")]
    [InlineData("services", """{"id":"{id}","endpoints":[{"url":"http://127.0.0.1:9"}],"healthCheck":{"path":"h","intervalSeconds":0}}""", 400, "validation-failed", "healthCheck.intervalSeconds")]
    [InlineData("services", "null", 400, "invalid-json", null)]
    [InlineData("services", """{"id":"{id}","endpoints":DEEP}""", 400, "invalid-json", null)]
    public async Task AdminBody_OfTheWrongShape_IsAProblemNamingTheField_AndChangesNothing(
        string route, string json, int status, string type, string? field, string contentType = "application/json")
    {
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 10, LongWindowSeconds));
        var key = await gateway.CreateKeyAsync(tenant);
        var fresh = GatewayFactory.NewId("fresh");
        var path = route switch
        {
            "tenants" => "/admin/tenants",
            "limits" => $"/admin/tenants/{tenant}/limits",
            "keys" => $"/admin/tenants/{tenant}/keys",
            "rotate" => $"/admin/keys/{KeyId(key)}/rotate",
            _ => "/admin/services",
        };
        var body = json.Replace("{id}", fresh, StringComparison.Ordinal)
            .Replace("DEEP", new string('[', 1000) + new string(']', 1000), StringComparison.Ordinal)
            .Replace("HUGE", new string('a', 1024 * 1024), StringComparison.Ordinal);
        using var admin = gateway.CreateAdminClient();
        var before = await TenantAsync(admin, tenant);

        using var request = new HttpRequestMessage(route == "limits" ? HttpMethod.Put : HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        var problem = await Expect.ProblemAsync(await admin.SendAsync(request), status, type);

        if (field is not null && type == "validation-failed")
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        }
        else if (field is not null)
        {
            Assert.Contains($"'{field}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Nothing was created, changed or rotated.
        Assert.Equal(before, await TenantAsync(admin, tenant));
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{fresh}"), 404, "unknown-tenant");
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/services/{fresh}"), 404, "unknown-service");
        var audit = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}/audit"), 200);
        Assert.Equal(["key.created"], audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(9, await CheckRemainingAsync(key));
    }

    [Fact]
    public async Task Rotate_WithoutBody_UsesTheDefaultGracePeriod()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var admin = gateway.CreateAdminClient();

        var rotated = await Expect.JsonAsync(await admin.PostAsync($"/admin/keys/{KeyId(key)}/rotate", null), 201);

        Assert.Equal(KeyId(key), rotated.GetProperty("id").GetString());
    }

    // ---- Costs on /v1/check ----

    [Theory]
    [InlineData("""{"cost":-1}""", 400, "validation-failed", "cost")]
    [InlineData("""{"cost":0}""", 400, "validation-failed", "cost")]
    [InlineData("""{"cost":1.5}""", 400, "invalid-json", "$.cost")]
    [InlineData("""{"cost":"1"}""", 400, "invalid-json", "$.cost")]
    [InlineData("""{"cost":true}""", 400, "invalid-json", "$.cost")]
    [InlineData("""{"cost":[1]}""", 400, "invalid-json", "$.cost")]
    [InlineData("""{"cost":1e2}""", 400, "invalid-json", "$.cost")]
    [InlineData("""{"cost":1e40}""", 400, "invalid-json", "$.cost")]
    [InlineData("""{"cost":9223372036854775807}""", 400, "validation-failed", "cost")]
    [InlineData("""{"cost":9223372036854775808}""", 400, "invalid-json", "$.cost")]
    [InlineData("""{"cost":-9223372036854775808}""", 400, "validation-failed", "cost")]
    [InlineData("""{"cost":1000000001}""", 400, "validation-failed", "cost")]
    [InlineData("""{"cost":1000000000}""", 400, "cost-too-high", null)]
    [InlineData("""{"cost":11}""", 400, "cost-too-high", null)]
    [InlineData("""{"cost":1,"service":"Orders"}""", 400, "validation-failed", "service")]
    [InlineData("""{"cost":1,"service":5}""", 400, "invalid-json", "$.service")]
    [InlineData("""{"cost":-1,"service":"Orders"}""", 400, "validation-failed", "service")]
    [InlineData("null", 400, "invalid-json", null)]
    [InlineData("[]", 400, "invalid-json", null)]
    [InlineData("DEEP", 400, "invalid-json", null)]
    [InlineData("""{"cost":1,"service":"HUGE"}""", 413, "payload-too-large", null)]
    [InlineData("""{"cost":1}""", 415, "unsupported-media-type", null, "text/plain")]
    public async Task CheckCost_OutOfRangeOrMistyped_IsAProblem_AndDebitsNothing(string json, int status, string type, string? field, string contentType = "application/json")
    {
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 100, LongWindowSeconds));
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", 10, LongWindowSeconds));
        using var client = gateway.CreateKeyClient(key);
        var body = json.Replace("DEEP", new string('[', 1000) + new string(']', 1000), StringComparison.Ordinal)
            .Replace("HUGE", new string('a', 1024 * 1024), StringComparison.Ordinal);

        var problem = await Expect.ProblemAsync(await client.PostAsync("/v1/check", new StringContent(body, Encoding.UTF8, contentType)), status, type);

        if (field is not null && type == "validation-failed")
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        }
        else if (field is not null)
        {
            Assert.Contains($"'{field}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(10, await KeyRemainingAsync(key));
        Assert.Equal(100, await TenantRemainingAsync(tenant));
        Assert.Equal(9, await CheckRemainingAsync(key));
    }

    [Fact]
    public async Task CheckCost_AboveTheTenantsCapacityOnly_Is400_AndRefundsTheKey()
    {
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 5, LongWindowSeconds));
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", 10, LongWindowSeconds));
        using var client = gateway.CreateKeyClient(key);

        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { cost = 6 }), 400, "cost-too-high");

        Assert.Equal(10, await KeyRemainingAsync(key));
        Assert.Equal(5, await TenantRemainingAsync(tenant));
        var admitted = await Expect.JsonAsync(await client.PostAsJsonAsync("/v1/check", new { cost = 5 }), 200);
        Assert.Equal(0, admitted.GetProperty("remaining").GetInt64());
        Assert.Equal(5, await KeyRemainingAsync(key));
    }

    [Fact]
    public async Task Check_WithoutBody_CostsOne()
    {
        var (key, _) = await TwoKeysAsync();
        using var client = gateway.CreateKeyClient(key);

        var body = await Expect.JsonAsync(await client.PostAsync("/v1/check", null), 200);

        Assert.Equal(9, body.GetProperty("remaining").GetInt64());
    }

    // ---- Helpers ----

    /// <summary>Two keys of one fresh tenant, each with a bucket of 10 that does not refill during the test.</summary>
    private async Task<(string Key, string Other)> TwoKeysAsync()
    {
        var tenant = await gateway.CreateTenantAsync();
        var limits = GatewayFactory.TokenBucket("key", 10, LongWindowSeconds);
        return (await gateway.CreateKeyAsync(tenant, limits), await gateway.CreateKeyAsync(tenant, limits));
    }

    private Task<int> RawAsync(string method, string target, string headers, string body = "") =>
        RawHttp.SendAsync(
            gateway.ClientOptions.BaseAddress,
            $"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}{(body.Length > 0 ? "Content-Type: application/json\r\n" : "")}" +
            $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");

    private static string KeyId(string key) => key.Substring(ApiKeyFormat.Prefix.Length, ApiKeyFormat.KeyIdLength);

    /// <summary>Spends one unit through /v1/check and returns what is left.</summary>
    private async Task<long> CheckRemainingAsync(string key)
    {
        using var client = gateway.CreateKeyClient(key);
        var body = await Expect.JsonAsync(await client.PostAsJsonAsync("/v1/check", new { }), 200);
        return body.GetProperty("remaining").GetInt64();
    }

    private async Task<long> KeyRemainingAsync(string key)
    {
        using var admin = gateway.CreateAdminClient();
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/keys/{KeyId(key)}"), 200);
        return info.GetProperty("usage")[0].GetProperty("remaining").GetInt64();
    }

    private async Task<long> TenantRemainingAsync(string tenant)
    {
        using var admin = gateway.CreateAdminClient();
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        return info.GetProperty("usage")[0].GetProperty("remaining").GetInt64();
    }

    /// <summary>A tenant as an admin sees it, less the clock-dependent reset times.</summary>
    private static async Task<string> TenantAsync(HttpClient admin, string tenant)
    {
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        return string.Join(
            " | ",
            info.GetProperty("status").GetRawText(),
            info.GetProperty("limits").GetRawText(),
            info.GetProperty("keyIds").GetRawText(),
            string.Join(',', info.GetProperty("usage").EnumerateArray().Select(u => u.GetProperty("remaining").GetInt64())));
    }
}
