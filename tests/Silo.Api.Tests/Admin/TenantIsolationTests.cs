using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Silo.Api.Auth;
using Silo.Api.Tests.Infrastructure;
using Silo.Grains.Keys;

namespace Silo.Api.Tests.Admin;

/// <summary>
/// The tenant × route matrix: what one tenant's data-plane key can reach of another tenant, on the data plane
/// (quota, scope) and on the admin API (nothing at all), and that admin reads are scoped by the tenant in the path.
/// </summary>
public sealed class TenantIsolationTests(GatewayFactory gateway, Downstream downstream) : IClassFixture<GatewayFactory>, IClassFixture<Downstream>
{
    /// <summary>Long enough that a token bucket does not refill a unit while a test runs.</summary>
    private const int LongWindowSeconds = 31 * 24 * 3600;

    [Fact]
    public async Task DataPlaneKey_ExhaustingItsTenant_NeverSpendsAnotherTenantsQuota()
    {
        var (tenantA, keyA) = await TenantWithKeyAsync(tenantLimit: 3, keyLimit: 100);
        var (tenantB, keyB) = await TenantWithKeyAsync(tenantLimit: 3, keyLimit: 100);
        using var clientA = gateway.CreateKeyClient(keyA);
        using var clientB = gateway.CreateKeyClient(keyB);

        for (var i = 0; i < 3; i++)
        {
            await Expect.StatusAsync(await clientA.PostAsJsonAsync("/v1/check", new { }), 200);
        }

        var limited = await clientA.PostAsJsonAsync("/v1/check", new { });
        await Expect.ProblemAsync(limited, 429, "rate-limited");
        Assert.StartsWith("\"tenant\";r=0", limited.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);

        Assert.Equal(0, await TenantRemainingAsync(tenantA));
        Assert.Equal(3, await TenantRemainingAsync(tenantB));
        Assert.Equal(100, await KeyRemainingAsync(keyB));

        var admitted = await Expect.JsonAsync(await clientB.PostAsJsonAsync("/v1/check", new { }), 200);
        Assert.Equal(2, admitted.GetProperty("remaining").GetInt64());
        Assert.Equal(2, await TenantRemainingAsync(tenantB));
        Assert.Equal(0, await TenantRemainingAsync(tenantA));
    }

    [Fact]
    public async Task KeyAdmission_AlwaysDebitsTheKeysOwnTenant_AndMixedCredentialsDebitNobody()
    {
        var (tenantA, keyA) = await TenantWithKeyAsync(tenantLimit: 10, keyLimit: 10);
        var (tenantB, keyB) = await TenantWithKeyAsync(tenantLimit: 10, keyLimit: 10);
        using var clientA = gateway.CreateKeyClient(keyA);
        using var clientB = gateway.CreateKeyClient(keyB);
        using var admin = gateway.CreateAdminClient();

        await Expect.StatusAsync(await clientA.PostAsJsonAsync("/v1/check", new { }), 200);
        await Expect.StatusAsync(await clientA.PostAsJsonAsync("/v1/check", new { }), 200);
        await Expect.StatusAsync(await clientB.PostAsJsonAsync("/v1/check", new { }), 200);

        Assert.Equal(tenantA, (await Expect.JsonAsync(await admin.GetAsync($"/admin/keys/{KeyId(keyA)}"), 200)).GetProperty("tenantId").GetString());
        Assert.Equal(tenantB, (await Expect.JsonAsync(await admin.GetAsync($"/admin/keys/{KeyId(keyB)}"), 200)).GetProperty("tenantId").GetString());
        Assert.Equal((8, 9), (await TenantRemainingAsync(tenantA), await TenantRemainingAsync(tenantB)));
        Assert.Equal((8, 9), (await KeyRemainingAsync(keyA), await KeyRemainingAsync(keyB)));

        // Key ids are global: A's id with B's secret (and the other way round) is a well-formed key of nobody.
        foreach (var mixed in new[] { ApiKeyFormat.Compose(KeyId(keyA), Secret(keyB)), ApiKeyFormat.Compose(KeyId(keyB), Secret(keyA)) })
        {
            using var client = gateway.CreateKeyClient(mixed);
            await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { }), 401, "invalid-api-key");
        }

        Assert.Equal((8, 9), (await TenantRemainingAsync(tenantA), await TenantRemainingAsync(tenantB)));
        Assert.Equal((8, 9), (await KeyRemainingAsync(keyA), await KeyRemainingAsync(keyB)));
    }

    /// <summary>Every admin route of the HTTP contract, aimed at tenant B, its key and a service.</summary>
    private static readonly (string Method, string Path, string? Body)[] AdminRoutes =
    [
        ("POST", "/admin/tenants", """{"id":"{new}","name":"Intruder","limits":[]}"""),
        ("GET", "/admin/tenants/{B}", null),
        ("PUT", "/admin/tenants/{B}/limits", """[{"name":"stolen","algorithm":"fixed-window","limit":1,"windowSeconds":60}]"""),
        ("POST", "/admin/tenants/{B}/suspend", null),
        ("POST", "/admin/tenants/{B}/resume", null),
        ("GET", "/admin/tenants/{B}/audit", null),
        ("POST", "/admin/tenants/{B}/keys", """{"name":"stolen","limits":[],"scopes":[],"expiresAt":null}"""),
        ("GET", "/admin/keys/{keyB}", null),
        ("POST", "/admin/keys/{keyB}/rotate", """{"gracePeriodSeconds":0}"""),
        ("POST", "/admin/keys/{keyB}/revoke", null),
        ("POST", "/admin/services", """{"id":"{new}","endpoints":[{"url":"http://127.0.0.1:9","weight":1}]}"""),
        ("GET", "/admin/services/{s}", null),
    ];

    public static TheoryData<string, string, string?, string> AdminRoutesWithDataPlaneCredentials()
    {
        var data = new TheoryData<string, string, string?, string>();
        foreach (var (method, path, body) in AdminRoutes)
        {
            foreach (var credential in new[] { "A in X-Api-Key", "A as Bearer", "B's own key as Bearer" })
            {
                data.Add(method, path, body, credential);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AdminRoutesWithDataPlaneCredentials))]
    public async Task AdminRoute_WithADataPlaneKey_Is401_AndChangesNothing(string method, string path, string? body, string credential)
    {
        var (_, keyA) = await TenantWithKeyAsync(tenantLimit: 10, keyLimit: 10);
        var (tenantB, keyB) = await TenantWithKeyAsync(tenantLimit: 10, keyLimit: 10);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        var fresh = GatewayFactory.NewId("new");
        using var admin = gateway.CreateAdminClient();

        // Resume can only be shown to do nothing on a suspended tenant.
        var suspended = path.EndsWith("/resume", StringComparison.Ordinal);
        if (suspended)
        {
            await Expect.StatusAsync(await admin.PostAsync($"/admin/tenants/{tenantB}/suspend", null), 204);
        }

        var tenantBefore = await TenantSnapshotAsync(admin, tenantB);
        var keyBefore = await KeySnapshotAsync(admin, KeyId(keyB));
        var serviceBefore = await ServiceSnapshotAsync(admin, service);

        string Fill(string s) => s.Replace("{B}", tenantB, StringComparison.Ordinal).Replace("{keyB}", KeyId(keyB), StringComparison.Ordinal)
            .Replace("{s}", service, StringComparison.Ordinal).Replace("{new}", fresh, StringComparison.Ordinal);
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path));
        if (body is not null)
        {
            request.Content = new StringContent(Fill(body), Encoding.UTF8, "application/json");
        }

        switch (credential)
        {
            case "A in X-Api-Key":
                request.Headers.Add("X-Api-Key", keyA);
                break;
            case "A as Bearer":
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + keyA);
                break;
            default:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + keyB);
                break;
        }

        var response = await client.SendAsync(request);

        await Expect.ProblemAsync(response, 401, "admin-unauthorized");
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(tenantB, text, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyId(keyB), text, StringComparison.Ordinal);

        Assert.Equal(tenantBefore, await TenantSnapshotAsync(admin, tenantB));
        Assert.Equal(keyBefore, await KeySnapshotAsync(admin, KeyId(keyB)));
        Assert.Equal(serviceBefore, await ServiceSnapshotAsync(admin, service));
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{fresh}"), 404, "unknown-tenant");
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/services/{fresh}"), 404, "unknown-service");

        // B's key is still B's key: same secret, not revoked, and its tenant as it was.
        using var clientB = gateway.CreateKeyClient(keyB);
        if (suspended)
        {
            await Expect.ProblemAsync(await clientB.PostAsJsonAsync("/v1/check", new { }), 403, "tenant-suspended");
        }
        else
        {
            var check = await Expect.JsonAsync(await clientB.PostAsJsonAsync("/v1/check", new { }), 200);
            Assert.Equal(9, check.GetProperty("remaining").GetInt64());
        }
    }

    [Fact]
    public async Task TenantAudit_NeverShowsAnotherTenantsEvents()
    {
        var (tenantA, keyA) = await TenantWithKeyAsync(tenantLimit: 10, keyLimit: 10);
        var (tenantB, keyB) = await TenantWithKeyAsync(tenantLimit: 10, keyLimit: 10);
        using var admin = gateway.CreateAdminClient();

        await Expect.StatusAsync(await admin.PostAsJsonAsync($"/admin/keys/{KeyId(keyB)}/rotate", new { gracePeriodSeconds = 60 }), 201);
        var secondB = await gateway.CreateKeyAsync(tenantB);
        await Expect.StatusAsync(await admin.PostAsync($"/admin/keys/{KeyId(secondB)}/revoke", null), 204);
        await Expect.StatusAsync(await admin.PostAsync($"/admin/tenants/{tenantB}/suspend", null), 204);
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenantB}/limits", GatewayFactory.TokenBucket("changed", 5, 60)), 200);

        // A failed admin call about B's key, made with A's data-plane key, is nobody's tenant event (it goes to
        // the security log).
        using var intruder = gateway.CreateKeyClient(keyA);
        await Expect.ProblemAsync(await intruder.GetAsync($"/admin/keys/{KeyId(keyB)}"), 401, "admin-unauthorized");

        var auditA = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenantA}/audit"), 200);
        var auditB = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenantB}/audit"), 200);

        Assert.Equal(["key.created"], auditA.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(KeyId(keyA), auditA[0].GetProperty("keyId").GetString());
        var textA = auditA.GetRawText();
        Assert.DoesNotContain(KeyId(keyB), textA, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyId(secondB), textA, StringComparison.Ordinal);
        Assert.DoesNotContain(tenantB, textA, StringComparison.Ordinal);

        // The same events are in B's audit, so the absence above is isolation and not a missing audit.
        Assert.Equal(
            ["tenant.limits-changed", "tenant.suspended", "key.revoked", "key.created", "key.rotated", "key.created"],
            auditB.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        var textB = auditB.GetRawText();
        Assert.Contains(KeyId(keyB), textB, StringComparison.Ordinal);
        Assert.Contains(KeyId(secondB), textB, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyId(keyA), textB, StringComparison.Ordinal);

        var infoA = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenantA}"), 200);
        Assert.Equal([KeyId(keyA)], infoA.GetProperty("keyIds").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("active", infoA.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ScopedKey_OnAnotherService_Is403_AndDebitsNothing()
    {
        var s1 = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        var s2 = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 10, LongWindowSeconds));
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", 10, LongWindowSeconds), scopes: [s1]);
        using var client = gateway.CreateKeyClient(key);
        var reached = downstream.Requests;

        await Expect.ProblemAsync(await client.GetAsync($"/{s2}/x"), 403, "out-of-scope");
        await Expect.ProblemAsync(await client.PostAsJsonAsync($"/{s2}/x", new { cost = 1 }), 403, "out-of-scope");
        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { service = s2 }), 403, "out-of-scope");
        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { service = s2, cost = 5 }), 403, "out-of-scope");

        Assert.Equal(reached, downstream.Requests);
        Assert.Equal(10, await KeyRemainingAsync(key));
        Assert.Equal(10, await TenantRemainingAsync(tenant));

        // The service in scope is admitted and debited, so the figures above would have moved.
        await Expect.StatusAsync(await client.GetAsync($"/{s1}/x"), 200);
        var check = await Expect.JsonAsync(await client.PostAsJsonAsync("/v1/check", new { service = s1 }), 200);
        Assert.Equal(8, check.GetProperty("remaining").GetInt64());
        Assert.Equal(8, await KeyRemainingAsync(key));
        Assert.Equal(8, await TenantRemainingAsync(tenant));
    }

    private async Task<(string Tenant, string Key)> TenantWithKeyAsync(long tenantLimit, long keyLimit)
    {
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", tenantLimit, LongWindowSeconds));
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", keyLimit, LongWindowSeconds));
        return (tenant, key);
    }

    private static string KeyId(string key) => key.Substring(ApiKeyFormat.Prefix.Length, ApiKeyFormat.KeyIdLength);

    private static string Secret(string key) => key.Substring(ApiKeyFormat.Prefix.Length + ApiKeyFormat.KeyIdLength + 1, ApiKeyFormat.SecretLength);

    private async Task<long> TenantRemainingAsync(string tenant)
    {
        using var admin = gateway.CreateAdminClient();
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        return info.GetProperty("usage")[0].GetProperty("remaining").GetInt64();
    }

    private async Task<long> KeyRemainingAsync(string key)
    {
        using var admin = gateway.CreateAdminClient();
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/keys/{KeyId(key)}"), 200);
        return info.GetProperty("usage")[0].GetProperty("remaining").GetInt64();
    }

    /// <summary>What an intruder could change about a tenant: name, status, limits, keys, remaining quota.</summary>
    private static async Task<string> TenantSnapshotAsync(HttpClient admin, string tenant)
    {
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        return string.Join(
            " | ",
            info.GetProperty("name").GetRawText(),
            info.GetProperty("status").GetRawText(),
            info.GetProperty("limits").GetRawText(),
            info.GetProperty("keyIds").GetRawText(),
            Remaining(info));
    }

    private static async Task<string> KeySnapshotAsync(HttpClient admin, string keyId)
    {
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/keys/{keyId}"), 200);
        return string.Join(
            " | ",
            info.GetProperty("tenantId").GetRawText(),
            info.GetProperty("status").GetRawText(),
            info.GetProperty("limits").GetRawText(),
            info.GetProperty("scopes").GetRawText(),
            info.GetProperty("expiresAt").GetRawText(),
            Remaining(info));
    }

    private static async Task<string> ServiceSnapshotAsync(HttpClient admin, string service)
    {
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/services/{service}"), 200);
        return info.GetProperty("version").GetRawText() + " | " + info.GetProperty("endpoints").GetRawText();
    }

    private static string Remaining(JsonElement info) =>
        string.Join(',', info.GetProperty("usage").EnumerateArray().Select(u => u.GetProperty("remaining").GetInt64()));
}
