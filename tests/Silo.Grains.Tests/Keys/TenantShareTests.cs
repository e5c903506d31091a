using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Keys;

/// <summary>
/// A key admitted per request and busy enough takes a share of its tenant and admits from it: reserved at the
/// tenant, given back when it expires, dropped when the tenant changes, and never more than the tenant's limit.
/// </summary>
public sealed class TenantShareTests
{
    [Fact]
    public async Task BusyKey_ReservesAShareOfItsTenant_AndGivesBackWhatItDidNotUseWhenItExpires()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, tenantLimit: 10_000);

        var results = await AdmitAsync(silo, keyId, secret, times: 20);

        Assert.All(results, r => Assert.True(r.IsAllowed));
        Assert.True(await TenantRemainingAsync(silo) < 10_000 - 20, "the key holds a share of the tenant beside what it admitted");
        Assert.Equal(10_000 - 20, results[^1].Decision.Remaining); // the headers count the share's unused units as remaining
        silo.Time.Advance(ApiKeyGrain.ShareDuration);
        await Await.UntilAsync(async () => await TenantRemainingAsync(silo) == 10_000 - 20, "the expired share went back to the tenant");
    }

    [Fact]
    public async Task TenantSuspended_WhileAKeyHoldsAShare_RefusesTheKeysNextRequest()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, tenantLimit: 10_000);
        await AdmitAsync(silo, keyId, secret, times: 20);
        Assert.True(await TenantRemainingAsync(silo) < 10_000 - 20, "the key holds a share");

        Assert.True(await silo.Grains.GetGrain<ITenantGrain>("t1").SetStatusAsync(TenantStatus.Suspended).Bounded());

        Assert.Equal(AdmissionStatus.TenantSuspended, (await AdmitAsync(silo, keyId, secret, times: 1))[0].Status);
        Assert.Equal(10_000 - 20, await TenantRemainingAsync(silo)); // the share came back with the suspension
    }

    [Fact]
    public async Task KeysOfOneTenant_AdmittedPerRequest_AdmitExactlyTheTenantsLimit()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var tenant = silo.Grains.GetGrain<ITenantGrain>("t1");
        Assert.True(await tenant.CreateAsync(new TenantDefinition("T1", [new LimitDefinition("tenant", LimitAlgorithm.FixedWindow, 300, 3600)])).Bounded());
        var keys = new List<(string KeyId, string Secret)>();
        for (var i = 0; i < 3; i++)
        {
            var (keyId, secret) = TestKeys.Generate();
            Assert.Equal(CreateKeyStatus.Created, await tenant.CreateKeyAsync(keyId, new ApiKeyDefinition("k", [], [], null), TestKeys.Hash(secret)).Bounded());
            keys.Add((keyId, secret));
        }

        var results = await Task.WhenAll(keys.Select(k => AdmitAsync(silo, k.KeyId, k.Secret, times: 200)));

        Assert.Equal(300, results.Sum(r => r.Count(a => a.IsAllowed)));
        Assert.All(results.SelectMany(r => r).Where(a => !a.IsAllowed), a => Assert.Equal(AdmissionStatus.Limited, a.Status));
    }

    private static Task<(string KeyId, string Secret)> CreateKeyAsync(GatewayCluster silo, long tenantLimit) =>
        silo.CreateTenantWithKeyAsync([new LimitDefinition("tenant", LimitAlgorithm.FixedWindow, tenantLimit, 3600)], []);

    /// <summary>Admits <paramref name="times"/> requests of the key one after another (per request, as a quiet front end does).</summary>
    private static async Task<List<AdmissionResult>> AdmitAsync(GatewayCluster silo, string keyId, string secret, int times)
    {
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        var results = new List<AdmissionResult>();
        for (var i = 0; i < times; i++)
        {
            results.Add(await key.AdmitAsync(new AdmissionRequest(TestKeys.Hash(secret), 1, null)).Bounded());
        }

        return results;
    }

    private static async Task<long> TenantRemainingAsync(GatewayCluster silo) =>
        (await silo.Grains.GetGrain<ITenantGrain>("t1").GetAsync().Bounded())!.Usage[0].Remaining;
}
