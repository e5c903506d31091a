using System.Diagnostics;
using System.Net.Http.Json;
using Silo.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Silo.TestKit;

namespace Silo.Api.Tests.Identity;

/// <summary>
/// JWT callers end to end: a tenant registers an identity provider (a real one on a loopback port, RSA and ECDSA
/// keys), its tokens are admitted with per-consumer limits, every kind of bad token gets the same 401, a key
/// rollover fails no request, and an outage is ridden out on the last good keys until they are too old.
/// </summary>
public sealed class JwtCallerTests(JwtGatewayFactory gateway, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<JwtGatewayFactory>
{
    [Fact]
    public async Task TokensFromARegisteredIssuer_AreAdmitted_AndEachConsumerHasItsOwnLimit()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        await JwtSupport.RegisterAsync(gateway, tenant, idp, discovery: true, perMinute: 3);
        using var client = gateway.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            var allowed = await Expect.JsonAsync(await JwtSupport.CheckAsync(client, idp.Token("alice")), 200);
            Assert.Equal(2 - i, allowed.GetProperty("remaining").GetInt64());
        }

        using var limited = await JwtSupport.CheckAsync(client, idp.Token("alice"));
        await Expect.ProblemAsync(limited, 429, "rate-limited");
        Assert.True(limited.Headers.Contains("RateLimit-Policy") || limited.Headers.Contains("RateLimit"));

        // Another consumer (an ECDSA-signed token) has its own budget.
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("bob", kid: "ec-1")), 200);
    }

    [Fact]
    public async Task EveryBadToken_GetsTheSame401_AndNothingIsAdmitted()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        await JwtSupport.RegisterAsync(gateway, tenant, idp);
        using var client = gateway.CreateClient();
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("warm-up")), 200);

        var bad = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["expired"] = idp.Token("carol", expiresIn: TimeSpan.FromMinutes(-5)),
            ["not yet valid"] = idp.Token("carol", notBefore: DateTime.UtcNow.AddMinutes(10), expiresIn: TimeSpan.FromMinutes(20)),
            ["wrong audience"] = idp.Token("carol", audience: "another-api"),
            ["unregistered issuer"] = idp.Token("carol", issuer: "https://elsewhere.example"),
            ["unpublished key"] = idp.Token("carol", kid: "rsa-2"),
            ["tampered payload"] = Tamper(idp.Token("carol")),
            ["alg none"] = idp.UnsignedToken("carol"),
            ["hs256 confusion"] = idp.SymmetricToken("carol", new byte[32]),
            ["malformed"] = "not.a.jwt",
            ["oversized"] = idp.Token("carol") + new string('A', 9000),
        };
        foreach (var (name, token) in bad)
        {
            var problem = await Expect.ProblemAsync(await JwtSupport.CheckAsync(client, token), 401, "invalid-token");
            Assert.False(problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 }, name);
        }

        using var admin = gateway.CreateAdminClient();
        var info = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/admin/tenants/{tenant}");
        Assert.Equal(0, info.GetProperty("keyIds").GetArrayLength());
    }

    [Fact]
    public async Task ATokenSeenAgain_IsTrustedOnlyUntilItsExpiry()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        using var admin = gateway.CreateAdminClient();
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/issuers", new[]
        {
            new { issuer = idp.Issuer, audiences = new[] { "api" }, jwksUri = idp.JwksUri, clockSkewSeconds = 0, consumerLimits = GatewayFactory.TokenBucket("per-user", 1000, 60) },
        }), 200);
        using var client = gateway.CreateClient();
        using var accepted = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            gateway.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Silo.Api.Telemetry.GatewayMetrics.MeterName, "silo.gateway.tokens");
        using var failures = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            gateway.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Silo.Api.Telemetry.GatewayMetrics.MeterName, "silo.gateway.authentication.failures");
        // exp is whole seconds, so the token expires up to a second before this.
        var expires = DateTimeOffset.UtcNow.AddSeconds(7);
        var token = idp.Token("judy", expiresIn: TimeSpan.FromSeconds(7));

        // The same token again and again: admitted (from the validated set after the first) until exp, then refused.
        HttpResponseMessage answer;
        var admitted = 0;
        while ((answer = await JwtSupport.CheckAsync(client, token)).StatusCode == System.Net.HttpStatusCode.OK)
        {
            answer.Dispose();
            admitted++;
            Assert.True(DateTimeOffset.UtcNow < expires.AddSeconds(2), "admitted past its exp");
            await Task.Delay(200);
        }

        Assert.True(admitted > 1, $"admitted {admitted}, then {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()} at {DateTimeOffset.UtcNow - expires}");

        // Checked again only when the issuer's keys were fetched anew (this factory refetches keys older than 3 s;
        // the issuer's settings, read again every 5 s, did not change and still count as the same): every other
        // admission of the token came from the validated set.
        var how = accepted.GetMeasurementSnapshot().Select(m => (string?)m.Tags["how"]).ToArray();
        var validated = how.Count(h => h == "validated");
        Assert.Equal(admitted, how.Length);
        Assert.InRange(validated, 1, 1 + (7 / JwtGatewayFactory.MaxKeyAgeSeconds) + 1);
        Assert.True(admitted - validated >= admitted / 2, $"{admitted - validated} of {admitted} remembered");
        Assert.True(DateTimeOffset.UtcNow >= expires.AddSeconds(-1.1), $"refused well before its exp: {string.Join(",", failures.GetMeasurementSnapshot().Select(m => m.Tags["kind"]))} {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()} at {DateTimeOffset.UtcNow - expires}");
        await Expect.ProblemAsync(answer, 401, "invalid-token");
    }

    [Fact]
    public async Task AKeyRollover_FailsNoRequest()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        await JwtSupport.RegisterAsync(gateway, tenant, idp, perMinute: 100);
        using var client = gateway.CreateClient();
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("dave", kid: "rsa-1")), 200);

        // The provider publishes a new key, then signs with it: the first token naming it is admitted.
        idp.Published.Add("rsa-2");
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("dave", kid: "rsa-2")), 200);
        idp.Published.Remove("rsa-1");
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("dave", kid: "rsa-2")), 200);
    }

    [Fact]
    public async Task DuringAnOutage_TheLastGoodKeysServe_UntilTooOld_Then503_AndServeAgainOnceItIsBack()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        await JwtSupport.RegisterAsync(gateway, tenant, idp, perMinute: 1000);
        using var client = gateway.CreateClient();
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("erin")), 200);
        var fetched = Stopwatch.StartNew();

        idp.Down = true;
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("erin")), 200);

        // Polled: each answer is 200 until the keys pass their age, then the stated 503.
        HttpResponseMessage answer;
        while ((answer = await JwtSupport.CheckAsync(client, idp.Token("erin"))).StatusCode == System.Net.HttpStatusCode.OK)
        {
            answer.Dispose();
            Assert.True(fetched.Elapsed < TimeSpan.FromSeconds(JwtGatewayFactory.MaxKeyAgeSeconds + 10), "still admitted long past the key age");
            await Task.Delay(200);
        }

        Assert.True(fetched.Elapsed >= TimeSpan.FromSeconds(JwtGatewayFactory.MaxKeyAgeSeconds - 0.5), $"refused after {fetched.Elapsed}");
        output.WriteLine($"outage: admitted on the last good keys until {fetched.Elapsed.TotalSeconds:F1} s after their fetch (max age {JwtGatewayFactory.MaxKeyAgeSeconds} s)");
        await Expect.ProblemAsync(answer, 503, "identity-provider-unavailable");

        idp.Down = false;
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("erin")), 200);
    }

    [Fact]
    public async Task WithScopesMapped_ATokenMayCallOnlyTheServicesItsScopesName()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        using var admin = gateway.CreateAdminClient();
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/issuers", new[]
        {
            new { issuer = idp.Issuer, audiences = new[] { "api" }, jwksUri = idp.JwksUri, scopesClaim = "scope", scopePrefix = "silo:" },
        }), 200);
        using var client = gateway.CreateClient();

        async Task<HttpResponseMessage> CheckAsync(string token, string service)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check") { Content = JsonContent.Create(new { service }) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return await client.SendAsync(request);
        }

        var token = idp.Token("ivan", scope: "openid silo:orders billing");
        await Expect.StatusAsync(await CheckAsync(token, "orders"), 200);
        await Expect.ProblemAsync(await CheckAsync(token, "billing"), 403, "out-of-scope");
        await Expect.ProblemAsync(await CheckAsync(idp.Token("ivan"), "orders"), 403, "out-of-scope");
    }

    [Fact]
    public async Task TheTenantsLimits_BoundAllItsConsumersTogether()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant-per-minute", 4, 60));
        await JwtSupport.RegisterAsync(gateway, tenant, idp, perMinute: 100);
        using var client = gateway.CreateClient();

        var statuses = new List<int>();
        foreach (var consumer in new[] { "u1", "u2", "u3", "u4", "u5", "u6" })
        {
            statuses.Add((int)(await JwtSupport.CheckAsync(client, idp.Token(consumer))).StatusCode);
        }

        Assert.Equal([200, 200, 200, 200, 429, 429], statuses);
    }

    [Fact]
    public async Task ASuspendedTenant_RefusesItsJwtCallers()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        await JwtSupport.RegisterAsync(gateway, tenant, idp);
        using var client = gateway.CreateClient();
        using var admin = gateway.CreateAdminClient();

        await Expect.StatusAsync(await admin.PostAsync($"/admin/tenants/{tenant}/suspend", null), 204);

        await Expect.ProblemAsync(await JwtSupport.CheckAsync(client, idp.Token("frank")), 403, "tenant-suspended");
    }

    [Fact]
    public async Task BadIssuerSettings_AreRefused_AndAnIssuerBelongsToOneTenant()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var first = await gateway.CreateTenantAsync();
        var second = await gateway.CreateTenantAsync();
        using var admin = gateway.CreateAdminClient();

        var problem = await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/admin/tenants/{first}/issuers", new object[]
        {
            new { issuer = idp.Issuer, audiences = Array.Empty<string>(), jwksUri = idp.JwksUri, discoveryUri = idp.DiscoveryUri, algorithms = new[] { "HS256" }, clockSkewSeconds = 3600 },
        }), 400, "validation-failed");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "[0].audiences", "[0].jwksUri", "[0].algorithms", "[0].clockSkewSeconds" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        await JwtSupport.RegisterAsync(gateway, first, idp);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/admin/tenants/{second}/issuers", new[] { new { issuer = idp.Issuer, audiences = new[] { "api" }, jwksUri = idp.JwksUri } }), 409, "already-exists");
        await Expect.ProblemAsync(await admin.PutAsJsonAsync("/admin/tenants/no-such-tenant/issuers", Array.Empty<object>()), 404, "unknown-tenant");

        // Given up by its tenant, the issuer may be registered by another; its tokens then count there.
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/tenants/{first}/issuers", Array.Empty<object>()), 200);
        await JwtSupport.RegisterAsync(gateway, second, idp);
        using var client = gateway.CreateClient();
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("grace")), 200);
    }

    /// <summary>The token with one character of its payload changed, its signature kept.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = parts[1].ToCharArray();
        payload[5] = payload[5] == 'A' ? 'B' : 'A';
        return $"{parts[0]}.{new string(payload)}.{parts[2]}";
    }
}
