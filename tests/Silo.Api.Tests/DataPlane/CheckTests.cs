using System.Net.Http.Json;
using System.Text;
using Silo.Api.Auth;
using Silo.Api.Tests.Infrastructure;
using Silo.Grains.Keys;

namespace Silo.Api.Tests.DataPlane;

public sealed class CheckTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Check_Admitted_Is200_WithDecisionAndLimitHeaders()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("per-minute", 5, 60));
        using var client = gateway.CreateKeyClient(key);

        var response = await client.PostAsync("/v1/check", null);

        var body = await Expect.JsonAsync(response, 200);
        Assert.True(body.GetProperty("allowed").GetBoolean());
        Assert.Equal(5, body.GetProperty("limit").GetInt64());
        Assert.Equal(4, body.GetProperty("remaining").GetInt64());
        Assert.InRange(body.GetProperty("resetSeconds").GetInt32(), 1, 12);
        Assert.Equal("\"per-minute\";q=5;w=60", response.Headers.GetValues("RateLimit-Policy").Single());
        Assert.StartsWith("\"per-minute\";r=4;t=", response.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AfterLimit_Is429_WithRetryAfter_AndDecisionFields()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("per-minute", 3, 60));
        using var client = gateway.CreateKeyClient(key);
        for (var i = 0; i < 3; i++)
        {
            await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        }

        var response = await client.PostAsync("/v1/check", null);

        var problem = await Expect.ProblemAsync(response, 429, "rate-limited");
        Assert.False(problem.GetProperty("allowed").GetBoolean());
        Assert.Equal(0, problem.GetProperty("remaining").GetInt64());
        var retryAfter = problem.GetProperty("retryAfterSeconds").GetInt32();
        Assert.InRange(retryAfter, 1, 20);
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("Retry-After").Single());
        Assert.Single(response.Headers.GetValues("RateLimit-Policy"));
    }

    [Fact]
    public async Task Check_WeightedCost_TakesThatMany()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("units", 10, 60));
        using var client = gateway.CreateKeyClient(key);

        var body = await Expect.JsonAsync(await client.PostAsJsonAsync("/v1/check", new { cost = 7 }), 200);
        Assert.Equal(3, body.GetProperty("remaining").GetInt64());

        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { cost = 4 }), 429, "rate-limited");
        await Expect.StatusAsync(await client.PostAsJsonAsync("/v1/check", new { cost = 3 }), 200);
    }

    [Theory]
    [InlineData("{\"cost\":0}", "validation-failed")]
    [InlineData("{\"cost\":-5}", "validation-failed")]
    [InlineData("{\"cost\":1000000000000}", "validation-failed")]
    [InlineData("{\"cost\":\"1\"}", "invalid-json")]
    [InlineData("{\"cost\":1.5}", "invalid-json")]
    [InlineData("{\"service\":\"Bad/Service\"}", "validation-failed")]
    [InlineData("{\"costs\":1}", "invalid-json")]
    [InlineData("not json", "invalid-json")]
    [InlineData("{\"cost\":1,\"cost\":2}", "invalid-json")]
    [InlineData("{\"cost\":1,\"Cost\":2}", "invalid-json")]
    [InlineData("{\"service\":\"a\",\"SERVICE\":\"b\"}", "invalid-json")]
    public async Task Check_BadBody_Is400_AndTakesNothing(string json, string type)
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("units", 10, 60));
        using var client = gateway.CreateKeyClient(key);

        await Expect.ProblemAsync(await client.PostAsync("/v1/check", new StringContent(json, Encoding.UTF8, "application/json")), 400, type);

        var body = await Expect.JsonAsync(await client.PostAsync("/v1/check", null), 200);
        Assert.Equal(9, body.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task Check_CostAboveCapacity_Is400()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("units", 10, 60));
        using var client = gateway.CreateKeyClient(key);

        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { cost = 11 }), 400, "cost-too-high");
    }

    [Fact]
    public async Task MissingMalformedUnknownAndWrongSecretKeys_GetTheSame401Body()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var keyId = key.Substring(3, ApiKeyFormat.KeyIdLength);
        var candidates = new List<Action<HttpRequestMessage>>
        {
            _ => { },
            r => r.Headers.Add("X-Api-Key", "garbage"),
            r => r.Headers.Add("X-Api-Key", key[..^1] + (key[^1] == 'a' ? 'b' : 'a')),
            r => r.Headers.Add("X-Api-Key", ApiKeyFormat.Generate().Key),
            r => r.Headers.Add("X-Api-Key", ApiKeyFormat.Compose(keyId, "BBBBBBBBBBBBBBBBBBBBBBBB")),
            r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ApiKeyFormat.Generate().Key),
            r => r.Headers.Add("X-Api-Key", new[] { key, key }),
            r =>
            {
                r.Headers.Add("X-Api-Key", key);
                r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ApiKeyFormat.Generate().Key);
            },
        };

        using var client = gateway.CreateClient();
        var bodies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var configure in candidates)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
            configure(request);
            var problem = await Expect.ProblemAsync(await client.SendAsync(request), 401, "invalid-api-key");
            bodies.Add(string.Join(',', problem.EnumerateObject().Where(p => p.Name is not "traceId" and not "requestId").Select(p => p.ToString())));
        }

        Assert.Single(bodies);
    }

    [Fact]
    public async Task Check_WithBearerKey_Works()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);

        await Expect.StatusAsync(await client.SendAsync(request), 200);
    }

    [Fact]
    public async Task TenantLimit_AppliesAcrossKeys_AndRejectionRefundsTheKey()
    {
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 3, 60));
        var first = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", 10, 60));
        var second = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", 10, 60));
        using var a = gateway.CreateKeyClient(first);
        using var b = gateway.CreateKeyClient(second);

        await Expect.StatusAsync(await a.PostAsync("/v1/check", null), 200);
        await Expect.StatusAsync(await b.PostAsync("/v1/check", null), 200);
        await Expect.StatusAsync(await a.PostAsync("/v1/check", null), 200);
        var limited = await b.PostAsync("/v1/check", null);
        await Expect.ProblemAsync(limited, 429, "rate-limited");
        Assert.StartsWith("\"tenant\";r=0", limited.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);

        using var admin = gateway.CreateAdminClient();
        var keyId = second.Substring(3, ApiKeyFormat.KeyIdLength);
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/keys/{keyId}"), 200);
        Assert.Equal(9, info.GetProperty("usage")[0].GetProperty("remaining").GetInt64());
    }

    [Theory]
    [InlineData("fixed-window", null)]
    [InlineData("fixed-window", "day")]
    [InlineData("fixed-window", "month")]
    [InlineData("sliding-window", null)]
    public async Task EveryAlgorithm_AdmitsTheLimit_ThenAnswers429(string algorithm, string? calendar)
    {
        var tenant = await gateway.CreateTenantAsync();
        object limits = calendar is null
            ? new[] { new { name = "w", algorithm, limit = 3L, windowSeconds = 3600 } }
            : new[] { new { name = "w", algorithm, limit = 3L, windowSeconds = 0, calendar } };
        var key = await gateway.CreateKeyAsync(tenant, limits);
        using var client = gateway.CreateKeyClient(key);

        for (var i = 0; i < 3; i++)
        {
            await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        }

        var limited = await client.PostAsync("/v1/check", null);
        await Expect.ProblemAsync(limited, 429, "rate-limited");
        Assert.True(limited.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Calendar_OnATokenBucket_AndBurst_OnAWindow_Are400()
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsJsonAsync("/admin/tenants", new
        {
            id = GatewayFactory.NewId("cal"),
            name = "cal",
            limits = new object[]
            {
                new { name = "a", algorithm = "token-bucket", limit = 1, windowSeconds = 60, calendar = "day" },
                new { name = "b", algorithm = "sliding-window", limit = 1, windowSeconds = 60, burst = 5 },
            },
        });

        var errors = (await Expect.ProblemAsync(response, 400, "validation-failed")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("limits[0].calendar", out _));
        Assert.True(errors.TryGetProperty("limits[1].burst", out _));
    }

    [Fact]
    public async Task Check_OutOfScopeService_Is403()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, scopes: ["orders"]);
        using var client = gateway.CreateKeyClient(key);

        await Expect.StatusAsync(await client.PostAsJsonAsync("/v1/check", new { service = "orders" }), 200);
        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { service = "billing" }), 403, "out-of-scope");
    }
}
