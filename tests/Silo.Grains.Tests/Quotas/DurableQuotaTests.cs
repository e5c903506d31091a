using Microsoft.Extensions.DependencyInjection;
using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.Quotas;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.Runtime;
using Silo.Runtime.Persistence;
using Silo.TestKit;

namespace Silo.Grains.Tests.Quotas;

/// <summary>
/// Long windows survive a restart: two silos share one storage, and a second silo activating a key after the
/// first one "crashed" (simply never stopped: nothing flushed) sees what the last checkpoint held.
/// </summary>
public sealed class DurableQuotaTests
{
    private static readonly TimeSpan Interval = new QuotaOptions().CheckpointInterval;
    private static readonly LimitDefinition Daily = new("daily", LimitAlgorithm.FixedWindow, 100, 0, Calendar: LimitCalendar.Day);
    private static readonly LimitDefinition Minute = new("minute", LimitAlgorithm.TokenBucket, 1000, 60);

    [Fact]
    public async Task Crash_LosesAtMostTheConsumptionSinceTheLastCheckpoint()
    {
        var storage = new InMemoryGrainStorage();
        await using var first = await StartAsync(storage);
        var (keyId, secret) = await CreateKeyAsync(first);
        await AdmitAsync(first, keyId, secret, times: 30);

        // The checkpoint timer fires once the interval has passed; the next call on the key runs after it.
        first.Time.Advance(Interval);
        await first.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();
        await AdmitAsync(first, keyId, secret, times: 10);

        // The first silo "crashes": it never flushes. A second silo activates the key from storage.
        await using var second = await StartAsync(storage);
        var info = await second.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();

        Assert.Equal(70, info!.Usage.Single(u => u.Name == "daily").Remaining);
        Assert.Equal(1000, info.Usage.Single(u => u.Name == "minute").Remaining);
    }

    [Fact]
    public async Task NoCheckpoint_BeforeTheInterval_NeverPerRequest()
    {
        var storage = new InMemoryGrainStorage();
        await using var first = await StartAsync(storage);
        var (keyId, secret) = await CreateKeyAsync(first);
        await AdmitAsync(first, keyId, secret, times: 5);

        first.Time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        await first.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();

        await using var second = await StartAsync(storage);
        var info = await second.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();
        Assert.Equal(100, info!.Usage.Single(u => u.Name == "daily").Remaining);
    }

    [Fact]
    public async Task GracefulStop_FlushesOnDeactivation_KeyAndTenant()
    {
        var storage = new InMemoryGrainStorage();
        var first = await StartAsync(storage);
        var (keyId, secret) = await CreateKeyAsync(first, tenantLimits: [Daily with { Name = "tenant-daily", Limit = 500 }]);
        await AdmitAsync(first, keyId, secret, times: 12);
        await first.DisposeAsync();

        await using var second = await StartAsync(storage);
        var key = await second.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();
        var tenant = await second.Grains.GetGrain<ITenantGrain>("t1").GetAsync().Bounded();

        Assert.Equal(88, key!.Usage.Single(u => u.Name == "daily").Remaining);
        Assert.Equal(488, tenant!.Usage.Single(u => u.Name == "tenant-daily").Remaining);
    }

    [Fact]
    public async Task ChangingLimits_KeepsTheCountOfALimitWithTheSameNameAndShape()
    {
        await using var silo = await StartAsync(new InMemoryGrainStorage());
        var (keyId, secret) = await CreateKeyAsync(silo, tenantLimits: [Daily with { Name = "tenant-daily", Limit = 500 }]);
        await AdmitAsync(silo, keyId, secret, times: 20);

        var tenant = silo.Grains.GetGrain<ITenantGrain>("t1");
        Assert.True(await tenant.SetLimitsAsync([Daily with { Name = "tenant-daily", Limit = 600 }]).Bounded());

        var info = await tenant.GetAsync().Bounded();
        Assert.Equal(580, info!.Usage.Single().Remaining);
    }

    [Fact]
    public async Task ShadowLimit_CountsWouldBeRejections_InKeyUsage()
    {
        await using var silo = await StartAsync(new InMemoryGrainStorage());
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimits: [Minute, new LimitDefinition("trial", LimitAlgorithm.FixedWindow, 3, 60, Shadow: true)]);

        await AdmitAsync(silo, keyId, secret, times: 5);

        var info = await silo.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();
        var trial = info!.Usage.Single(u => u.Name == "trial");
        Assert.Equal(2, trial.ShadowRejections);
    }

    private static Task<InProcessSilo> StartAsync(InMemoryGrainStorage storage) =>
        InProcessSilo.StartAsync(
            silo => silo.AddGatewayGrains().AddGrainStorage(PersistentStateAttribute.DefaultStorageName, storage),
            options: o => o.SerializeLocalCalls = true);

    private static async Task AdmitAsync(InProcessSilo silo, string keyId, string secret, int times)
    {
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        for (var i = 0; i < times; i++)
        {
            var result = await key.AdmitAsync(new AdmissionRequest(ApiKeyFormat.HashSecret(secret), 1, null)).Bounded();
            Assert.Equal(AdmissionStatus.Allowed, result.Status);
        }
    }

    private static async Task<(string KeyId, string Secret)> CreateKeyAsync(
        InProcessSilo silo, IReadOnlyList<LimitDefinition>? keyLimits = null, IReadOnlyList<LimitDefinition>? tenantLimits = null)
    {
        var tenant = silo.Grains.GetGrain<ITenantGrain>("t1");
        Assert.True(await tenant.CreateAsync(new TenantDefinition("T1", tenantLimits ?? [])).Bounded());
        var (keyId, _, secret) = ApiKeyFormat.Generate();
        var status = await tenant.CreateKeyAsync(keyId, new ApiKeyDefinition("k", keyLimits ?? [Daily, Minute], [], null), ApiKeyFormat.HashSecret(secret)).Bounded();
        Assert.Equal(CreateKeyStatus.Created, status);
        return (keyId, secret);
    }
}
