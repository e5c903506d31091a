using System.Net.Http.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Admin;

public sealed class KeyLifecycleTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Rotate_BothKeysWorkDuringGrace_AndShareOneBudget()
    {
        var tenant = await gateway.CreateTenantAsync();
        var oldKey = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("k", 4, 3600));
        var keyId = oldKey.Substring(3, 12);
        using var admin = gateway.CreateAdminClient();

        var rotated = await Expect.JsonAsync(await admin.PostAsJsonAsync($"/admin/keys/{keyId}/rotate", new { gracePeriodSeconds = 3600 }), 201);
        var newKey = rotated.GetProperty("key").GetString()!;
        Assert.Equal(keyId, rotated.GetProperty("id").GetString());
        Assert.NotEqual(oldKey, newKey);

        using var oldClient = gateway.CreateKeyClient(oldKey);
        using var newClient = gateway.CreateKeyClient(newKey);
        await Expect.StatusAsync(await oldClient.PostAsync("/v1/check", null), 200);
        await Expect.StatusAsync(await newClient.PostAsync("/v1/check", null), 200);
        await Expect.StatusAsync(await oldClient.PostAsync("/v1/check", null), 200);
        await Expect.StatusAsync(await newClient.PostAsync("/v1/check", null), 200);
        await Expect.ProblemAsync(await oldClient.PostAsync("/v1/check", null), 429, "rate-limited");
        await Expect.ProblemAsync(await newClient.PostAsync("/v1/check", null), 429, "rate-limited");
    }

    [Fact]
    public async Task Rotate_WithoutGrace_InvalidatesTheOldKeyAtOnce()
    {
        var tenant = await gateway.CreateTenantAsync();
        var oldKey = await gateway.CreateKeyAsync(tenant);
        using var admin = gateway.CreateAdminClient();

        var rotated = await Expect.JsonAsync(await admin.PostAsJsonAsync($"/admin/keys/{oldKey.Substring(3, 12)}/rotate", new { gracePeriodSeconds = 0 }), 201);

        using var oldClient = gateway.CreateKeyClient(oldKey);
        using var newClient = gateway.CreateKeyClient(rotated.GetProperty("key").GetString()!);
        await Expect.ProblemAsync(await oldClient.PostAsync("/v1/check", null), 401, "invalid-api-key");
        await Expect.StatusAsync(await newClient.PostAsync("/v1/check", null), 200);
    }

    [Fact]
    public async Task Rotate_Twice_InsideTheGrace_KeepsEverySecretItPromised()
    {
        var tenant = await gateway.CreateTenantAsync();
        var original = await gateway.CreateKeyAsync(tenant);
        var keyId = original.Substring(3, 12);
        using var admin = gateway.CreateAdminClient();

        var first = await RotateAsync(admin, keyId, graceSeconds: 3600);
        var second = await RotateAsync(admin, keyId, graceSeconds: 3600);
        foreach (var key in new[] { original, first, second })
        {
            using var client = gateway.CreateKeyClient(key);
            await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        }

        // A rotation without grace drops only the secret it replaces; the earlier ones keep their promise.
        var third = await RotateAsync(admin, keyId, graceSeconds: 0);
        using var secondClient = gateway.CreateKeyClient(second);
        await Expect.ProblemAsync(await secondClient.PostAsync("/v1/check", null), 401, "invalid-api-key");
        foreach (var key in new[] { original, first, third })
        {
            using var client = gateway.CreateKeyClient(key);
            await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        }
    }

    [Fact]
    public async Task TwentyConcurrentRotations_AllAnswer201_AndEveryKeyTheyReturnedWorks()
    {
        var tenant = await gateway.CreateTenantAsync();
        var original = await gateway.CreateKeyAsync(tenant);
        var keyId = original.Substring(3, 12);
        using var admin = gateway.CreateAdminClient();

        var rotated = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RotateAsync(admin, keyId, graceSeconds: 3600)));

        Assert.Equal(20, rotated.Distinct(StringComparer.Ordinal).Count());
        foreach (var key in rotated.Append(original))
        {
            using var client = gateway.CreateKeyClient(key);
            await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        }
    }

    [Fact]
    public async Task Rotate_PastTheGracedSecretsItMayKeep_Is409_AndChangesNothing()
    {
        var tenant = await gateway.CreateTenantAsync();
        var original = await gateway.CreateKeyAsync(tenant);
        var keyId = original.Substring(3, 12);
        using var admin = gateway.CreateAdminClient();
        var current = original;
        for (var i = 0; i < Silo.Grains.Keys.IApiKeyGrain.MaxGracedSecrets; i++)
        {
            current = await RotateAsync(admin, keyId, graceSeconds: 3600);
        }

        var refused = await admin.PostAsJsonAsync($"/admin/keys/{keyId}/rotate", new { gracePeriodSeconds = 3600 });
        await Expect.ProblemAsync(refused, 409, "too-many-rotations");
        foreach (var key in new[] { original, current })
        {
            using var client = gateway.CreateKeyClient(key);
            await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        }

        // Without grace a rotation keeps nothing new, so it is allowed.
        var replacement = await RotateAsync(admin, keyId, graceSeconds: 0);
        using var replacementClient = gateway.CreateKeyClient(replacement);
        await Expect.StatusAsync(await replacementClient.PostAsync("/v1/check", null), 200);
    }

    private static async Task<string> RotateAsync(HttpClient admin, string keyId, int graceSeconds)
    {
        var rotated = await Expect.JsonAsync(await admin.PostAsJsonAsync($"/admin/keys/{keyId}/rotate", new { gracePeriodSeconds = graceSeconds }), 201);
        return rotated.GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task Revoke_IsEffectiveOnTheNextRequest_WithTheSame401()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var client = gateway.CreateKeyClient(key);
        using var admin = gateway.CreateAdminClient();
        await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);

        await Expect.StatusAsync(await admin.PostAsync($"/admin/keys/{key.Substring(3, 12)}/revoke", null), 204);

        await Expect.ProblemAsync(await client.PostAsync("/v1/check", null), 401, "invalid-api-key");
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/keys/{key.Substring(3, 12)}"), 200);
        Assert.Equal("revoked", info.GetProperty("status").GetString());
        await Expect.ProblemAsync(await admin.PostAsJsonAsync($"/admin/keys/{key.Substring(3, 12)}/rotate", new { }), 404, "unknown-key");
    }

    [Fact]
    public async Task Suspend_Forbids_AndResume_Restores()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var client = gateway.CreateKeyClient(key);
        using var admin = gateway.CreateAdminClient();

        await Expect.StatusAsync(await admin.PostAsync($"/admin/tenants/{tenant}/suspend", null), 204);
        await Expect.ProblemAsync(await client.PostAsync("/v1/check", null), 403, "tenant-suspended");

        await Expect.StatusAsync(await admin.PostAsync($"/admin/tenants/{tenant}/resume", null), 204);
        await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        await Expect.ProblemAsync(await admin.PostAsync("/admin/tenants/nobody-here/suspend", null), 404, "unknown-tenant");
    }

    [Fact]
    public async Task PutLimits_AppliesOnTheNextRequest()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var client = gateway.CreateKeyClient(key);
        using var admin = gateway.CreateAdminClient();
        await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);

        var updated = await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/limits", new[] { new { name = "tight", algorithm = "fixed-window", limit = 1, windowSeconds = 3600 } });
        await Expect.StatusAsync(updated, 200);

        await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        var limited = await client.PostAsync("/v1/check", null);
        await Expect.ProblemAsync(limited, 429, "rate-limited");
        Assert.Contains("\"tight\"", limited.Headers.GetValues("RateLimit-Policy").Single(), StringComparison.Ordinal);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/limits", new[] { new { name = "x", algorithm = "token-bucket", limit = 0, windowSeconds = 1 } }), 400, "validation-failed");
    }

    [Fact]
    public async Task Audit_ListsKeyAndTenantEvents_NewestFirst_WithoutSecrets()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var keyId = key.Substring(3, 12);
        using var admin = gateway.CreateAdminClient();
        var rotated = await Expect.JsonAsync(await admin.PostAsJsonAsync($"/admin/keys/{keyId}/rotate", new { gracePeriodSeconds = 60 }), 201);
        await admin.PostAsync($"/admin/keys/{keyId}/revoke", null);
        await admin.PostAsync($"/admin/tenants/{tenant}/suspend", null);

        var response = await admin.GetAsync($"/admin/tenants/{tenant}/audit");
        var text = await response.Content.ReadAsStringAsync();
        var audit = await Expect.JsonAsync(response, 200);

        Assert.Equal(["tenant.suspended", "key.revoked", "key.rotated", "key.created"], audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(keyId, audit[1].GetProperty("keyId").GetString());
        Assert.DoesNotContain(key[16..], text, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated.GetProperty("key").GetString()![16..], text, StringComparison.Ordinal);
    }
}
