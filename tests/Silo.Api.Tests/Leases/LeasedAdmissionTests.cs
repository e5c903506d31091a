using System.Globalization;
using System.Net.Http.Json;
using Silo.Api.Auth;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Leases;

/// <summary>
/// Admission from leases through the HTTP front end with its embedded silo: busy keys are admitted with almost
/// no grain calls, exactly within their limits, and every change that narrows what a key may do holds on the
/// very next request after the admin call answers.
/// </summary>
public sealed class LeasedAdmissionTests : IClassFixture<LeasingGatewayFactory>, IDisposable
{
    private const string GrainCalls = "silo.gateway.admission.grain_calls";
    private const string Local = "silo.gateway.admission.local";
    private readonly LeasingGatewayFactory gateway;
    private readonly GatewayCounters counters;

    public LeasedAdmissionTests(LeasingGatewayFactory gateway)
    {
        this.gateway = gateway;
        counters = new GatewayCounters(gateway.Services);
    }

    public void Dispose() => counters.Dispose();

    [Fact]
    public async Task BusyKey_IsAdmittedFromItsLease_WithFewGrainCalls()
    {
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 1_000_000, 60));
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", 1_000_000, 60));
        using var client = gateway.CreateKeyClient(key);
        await WarmAsync(client);
        var calls = counters[GrainCalls];
        var local = counters[Local];

        var statuses = await Task.WhenAll(Enumerable.Range(0, 400).Select(async _ => (int)(await client.PostAsync("/v1/check", null)).StatusCode));

        Assert.All(statuses, s => Assert.Equal(200, s));
        var made = counters[GrainCalls] - calls;
        Assert.True(made <= 40, $"{made} grain calls for 400 admissions");
        Assert.True(counters[Local] - local >= 360, $"{counters[Local] - local} of 400 admissions were decided from the lease");
    }

    [Fact]
    public async Task ConcurrentRequests_OnALimitThatLeases_AdmitExactlyTheLimit()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, new[] { new { name = "hour", algorithm = "fixed-window", limit = 600, windowSeconds = 3600 } });
        using var client = gateway.CreateKeyClient(key);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 1_500).Select(async _ => (int)(await client.PostAsync("/v1/check", null)).StatusCode));

        Assert.Equal(600, statuses.Count(s => s == 200));
        Assert.Equal(900, statuses.Count(s => s == 429));
        Assert.True(counters["silo.gateway.leases.tokens{event=granted}"] > 0, "the limit was leased");
    }

    [Fact]
    public async Task Revoke_WhileLeased_RefusesTheNextRequest()
    {
        var (key, client) = await LeasedKeyAsync();
        using var admin = gateway.CreateAdminClient();

        await Expect.StatusAsync(await admin.PostAsync($"/admin/keys/{KeyId(key)}/revoke", null), 204);

        await Expect.ProblemAsync(await client.PostAsync("/v1/check", null), 401, "invalid-api-key");
        client.Dispose();
    }

    [Fact]
    public async Task Rotate_WhileLeased_TheNewSecretWorksAtOnce_AndWithoutGraceTheOldOneNot()
    {
        var (key, client) = await LeasedKeyAsync();
        using var admin = gateway.CreateAdminClient();

        var rotated = await Expect.JsonAsync(await admin.PostAsJsonAsync($"/admin/keys/{KeyId(key)}/rotate", new { gracePeriodSeconds = 0 }), 201);

        await Expect.ProblemAsync(await client.PostAsync("/v1/check", null), 401, "invalid-api-key");
        using var next = gateway.CreateKeyClient(rotated.GetProperty("key").GetString()!);
        await Expect.StatusAsync(await next.PostAsync("/v1/check", null), 200);
        client.Dispose();
    }

    [Fact]
    public async Task Suspend_WhileLeased_ForbidsTheNextRequest()
    {
        var (_, client) = await LeasedKeyAsync(out var tenantTask);
        var tenant = await tenantTask;
        using var admin = gateway.CreateAdminClient();

        await Expect.StatusAsync(await admin.PostAsync($"/admin/tenants/{tenant}/suspend", null), 204);

        await Expect.ProblemAsync(await client.PostAsync("/v1/check", null), 403, "tenant-suspended");
        client.Dispose();
    }

    [Fact]
    public async Task TenantLimitChange_WhileLeased_AppliesToTheNextRequest()
    {
        var (_, client) = await LeasedKeyAsync(out var tenantTask);
        var tenant = await tenantTask;
        using var admin = gateway.CreateAdminClient();

        var limits = new[] { new { name = "tight", algorithm = "fixed-window", limit = 1, windowSeconds = 3600 } };
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/limits", limits), 200);

        await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        await Expect.ProblemAsync(await client.PostAsync("/v1/check", null), 429, "rate-limited");
        client.Dispose();
    }

    [Fact]
    public async Task SpentKey_RefusedFromTheFrontEnd_UntilAResetWhichHoldsOnTheNextRequest()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, new[] { new { name = "day", algorithm = "fixed-window", limit = 5, windowSeconds = 86_400 } });
        using var client = gateway.CreateKeyClient(key);
        using var admin = gateway.CreateAdminClient();
        for (var i = 0; i < 5; i++)
        {
            await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        }

        // The first refusal is the grain's, and the front end keeps it; requests sent together before it came back
        // would each have asked the grain too.
        await Expect.ProblemAsync(await client.PostAsync("/v1/check", null), 429, "rate-limited");
        var calls = counters[GrainCalls];
        var refused = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ => await client.PostAsync("/v1/check", null)));
        Assert.All(refused, r => Assert.Equal(429, (int)r.StatusCode));
        Assert.All(refused, r => Assert.True(int.Parse(r.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) > 0));
        var made = counters[GrainCalls] - calls;
        Assert.True(made < 50, $"{made} grain calls for 50 refusals of a spent key");

        await Expect.StatusAsync(await admin.PostAsync($"/admin/keys/{KeyId(key)}/limits/day/reset", null), 200);

        await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
    }

    private Task<(string Key, HttpClient Client)> LeasedKeyAsync() => LeasedKeyAsync(out _);

    /// <summary>A key with room to spare that this front end holds a lease of.</summary>
    private Task<(string Key, HttpClient Client)> LeasedKeyAsync(out Task<string> tenant)
    {
        tenant = gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 1_000_000, 60));
        return WithLeaseAsync(tenant);
    }

    private async Task<(string Key, HttpClient Client)> WithLeaseAsync(Task<string> tenantTask)
    {
        var tenant = await tenantTask;
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("key", 1_000_000, 60));
        var client = gateway.CreateKeyClient(key);
        var local = counters[Local];
        await WarmAsync(client);
        Assert.True(counters[Local] > local, "the key was admitted from a lease");
        return (key, client);
    }

    /// <summary>Enough requests in a burst that the front end leases the key.</summary>
    private static async Task WarmAsync(HttpClient client)
    {
        for (var round = 0; round < 3; round++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ => (int)(await client.PostAsync("/v1/check", null)).StatusCode));
            Assert.All(statuses, s => Assert.Equal(200, s));
        }
    }

    private static string KeyId(string key) => key.Substring(ApiKeyFormat.Prefix.Length, ApiKeyFormat.KeyIdLength);
}
