using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.Quotas;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Quotas;

/// <summary>
/// Long windows survive the loss of the silo that counted them: on a cluster of silos sharing storage, the
/// owner of a key is killed (nothing flushed) or stopped (everything flushed), and the key's next activation on
/// a survivor sees what storage held.
/// </summary>
public sealed class DurableQuotaTests
{
    private static readonly TimeSpan Interval = new QuotaOptions().CheckpointInterval;
    private static readonly LimitDefinition Daily = new("daily", LimitAlgorithm.FixedWindow, 100, 0, Calendar: LimitCalendar.Day);
    private static readonly LimitDefinition Minute = new("minute", LimitAlgorithm.TokenBucket, 1000, 60);

    [Fact]
    public async Task Crash_LosesAtMostTheConsumptionSinceTheLastCheckpoint()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await CreateKeyAsync(cluster);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        await AdmitAsync(cluster, keyId, secret, times: 30);

        await CheckpointAsync(cluster);
        await AdmitAsync(cluster, keyId, secret, times: 10);

        // The silo holding the key crashes: nothing is flushed. A survivor activates the key from storage.
        await KillAsync(cluster, await cluster.OwnerOfAsync(key));
        var info = await key.GetAsync().Bounded();

        Assert.Equal(70, info!.Usage.Single(u => u.Name == "daily").Remaining);
        Assert.Equal(1000, info.Usage.Single(u => u.Name == "minute").Remaining);
    }

    [Fact]
    public async Task NoCheckpoint_BeforeTheInterval_NeverPerRequest()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await CreateKeyAsync(cluster);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        await AdmitAsync(cluster, keyId, secret, times: 5);

        cluster.Time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        await key.GetAsync().Bounded();

        await KillAsync(cluster, await cluster.OwnerOfAsync(key));
        var info = await key.GetAsync().Bounded();
        Assert.Equal(100, info!.Usage.Single(u => u.Name == "daily").Remaining);
    }

    [Fact]
    public async Task GracefulStop_FlushesOnDeactivation_KeyAndTenant()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 3);
        var (keyId, secret) = await CreateKeyAsync(cluster, tenantLimits: [Daily with { Name = "tenant-daily", Limit = 500 }]);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        var tenant = cluster.Grains.GetGrain<ITenantGrain>("t1");
        await AdmitAsync(cluster, keyId, secret, times: 12);

        // Stop (gracefully) every silo that holds the key or the tenant; at least one silo survives.
        foreach (var owner in new[] { await cluster.OwnerOfAsync(key), await cluster.OwnerOfAsync(tenant) }.Distinct())
        {
            await cluster.Cluster.StopSiloAsync(owner).Bounded(TimeSpan.FromSeconds(60));
        }

        var keyInfo = await key.GetAsync().Bounded();
        var tenantInfo = await tenant.GetAsync().Bounded();

        Assert.Equal(88, keyInfo!.Usage.Single(u => u.Name == "daily").Remaining);
        Assert.Equal(488, tenantInfo!.Usage.Single(u => u.Name == "tenant-daily").Remaining);
    }

    [Fact]
    public async Task ChangingLimits_KeepsTheCountOfALimitWithTheSameNameAndShape()
    {
        await using var silo = await GatewayCluster.StartAsync();
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
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimits: [Minute, new LimitDefinition("trial", LimitAlgorithm.FixedWindow, 3, 60, Shadow: true)]);

        await AdmitAsync(silo, keyId, secret, times: 5);

        var info = await silo.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();
        var trial = info!.Usage.Single(u => u.Name == "trial");
        Assert.Equal(2, trial.ShadowRejections);
    }

    [Fact]
    public async Task ResetLimit_StartsOnlyThatLimitAfresh_AndTheResetSurvivesACrash()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await CreateKeyAsync(cluster);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        await AdmitAsync(cluster, keyId, secret, times: 30);

        Assert.Equal(LimitResetStatus.Reset, await key.ResetLimitAsync("daily").Bounded());
        Assert.Equal(LimitResetStatus.LimitNotFound, await key.ResetLimitAsync("weekly").Bounded());
        Assert.Equal(LimitResetStatus.KeyNotFound, await cluster.Grains.GetGrain<IApiKeyGrain>(TestKeys.Generate().KeyId).ResetLimitAsync("daily").Bounded());
        var info = await key.GetAsync().Bounded();
        Assert.Equal(100, info!.Usage.Single(u => u.Name == "daily").Remaining);
        Assert.Equal(970, info.Usage.Single(u => u.Name == "minute").Remaining);

        // Written through: the silo holding the key crashes before any checkpoint interval, and the reset holds.
        await AdmitAsync(cluster, keyId, secret, times: 2);
        await KillAsync(cluster, await cluster.OwnerOfAsync(key));
        info = await key.GetAsync().Bounded();
        Assert.Equal(100, info!.Usage.Single(u => u.Name == "daily").Remaining);

        var audit = await cluster.Grains.GetGrain<ITenantGrain>("t1").GetAuditAsync(10).Bounded();
        Assert.Contains(audit!, e => e.Action == "key.limit-reset" && e.KeyId == keyId && e.Detail == "daily");
    }

    [Fact]
    public async Task StalledStorage_DoesNotHoldTheKeysRequests_AndTheCountsAreWrittenOnceItAnswers()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await CreateKeyAsync(cluster, tenantLimits: [Daily with { Name = "tenant-daily", Limit = 500 }]);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        await AdmitAsync(cluster, keyId, secret, times: 10);

        // Storage stalls; the checkpoints of the key and its tenant start writing and wait.
        cluster.Storage.StallWrites("usage");
        cluster.Time.Advance(Interval);
        await Await.UntilAsync(() => cluster.Storage.StalledWrites == 2, "the key's and the tenant's checkpoints wait on storage");

        // Meanwhile the key admits as usual, every call answered within its bound (not queued behind the write).
        await AdmitAsync(cluster, keyId, secret, times: 20);
        var info = await key.GetAsync().Bounded();
        Assert.Equal(70, info!.Usage.Single(u => u.Name == "daily").Remaining);

        // Storage answers: the stalled writes land; the next checkpoint writes what was admitted meanwhile, so a
        // crash after it loses nothing.
        cluster.Storage.EndStall();
        await Await.UntilAsync(() => cluster.Storage.StalledWrites == 0, "the stalled writes went through");
        cluster.Time.Advance(Interval);
        await key.GetAsync().Bounded();
        await KillAsync(cluster, await cluster.OwnerOfAsync(key));
        info = await key.GetAsync().Bounded();
        Assert.Equal(70, info!.Usage.Single(u => u.Name == "daily").Remaining);
    }

    [Fact]
    public async Task FailedCheckpoint_IsWrittenByTheNextOne_EvenWithoutNewRequests()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await CreateKeyAsync(cluster);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        await AdmitAsync(cluster, keyId, secret, times: 25);

        // The checkpoint due now fails (storage out of reach); nothing is admitted after it.
        cluster.Storage.FailingState = "usage";
        cluster.Time.Advance(Interval);
        await Await.UntilAsync(() => cluster.Storage.FailedWrites == 1, "the checkpoint failed");
        cluster.Storage.FailingState = null;

        // The next one writes the counts the failed one held: a crash after it loses nothing. The failed write's
        // timer turn may still be ending when the storage's failure is seen, and a tick that comes due before it
        // ends waits a whole interval more: time moves on an interval at a time, three at most.
        var writes = cluster.Storage.Writes;
        for (var i = 0; i < 3 && cluster.Storage.Writes == writes; i++)
        {
            cluster.Time.Advance(Interval);
            try
            {
                await Await.UntilAsync(() => cluster.Storage.Writes > writes, "the next checkpoint wrote", TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException) when (i < 2)
            {
            }
        }

        await KillAsync(cluster, await cluster.OwnerOfAsync(key));
        var info = await key.GetAsync().Bounded();
        Assert.Equal(75, info!.Usage.Single(u => u.Name == "daily").Remaining);
    }

    /// <summary>
    /// Another activation of the key (a moment of two during a membership change) counts 20 and writes after this
    /// one's checkpoint. This one's next checkpoint meets that write: it stores the sum, counts on from it, and its
    /// last write as it ends (which hands its lease epoch over) keeps it too.
    /// </summary>
    [Fact]
    public async Task CheckpointMeetsAnotherActivationsWrite_TheSumIsStored_AndTheLastWriteKeepsIt()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await CreateKeyAsync(cluster);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        await AdmitAsync(cluster, keyId, secret, times: 29);
        var lease = await key.LeaseAsync(new LeaseRequest(TestKeys.Hash(secret), 1, null, 0, TimeSpan.FromSeconds(1), new RecordingHolder(cluster).Reference)).Bounded();
        Assert.True(lease.Result.IsAllowed);
        await CheckpointAsync(cluster);

        RewriteUsage(cluster, key, u => Counted(u, 50, u.HandedOver));
        await AdmitAsync(cluster, keyId, secret, times: 5);

        // The checkpoint meets it (written again as the sum), and the activation ends (its last write).
        var writes = cluster.Storage.Writes;
        cluster.Time.Advance(Interval);
        await Await.UntilAsync(() => cluster.Storage.Writes >= writes + 2, "the checkpoint wrote the sum and the activation its last counts");

        Assert.Equal(55, StoredDaily(cluster, key));
        var info = await key.GetAsync().Bounded();
        Assert.Equal(45, info!.Usage.Single(u => u.Name == "daily").Remaining);
    }

    /// <summary>
    /// An operator resets the daily limit while another activation of the key (a moment of two during a membership
    /// change) has counted 20 and written them: the reset's write meets that write, and the merge keeps the reset
    /// count instead of adding the other's 20 back. The activation then ends; the next one reads the reset count.
    /// </summary>
    [Fact]
    public async Task ResetMeetsAnotherActivationsWrite_TheResetIsKept()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await CreateKeyAsync(cluster);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        await AdmitAsync(cluster, keyId, secret, times: 30);
        await CheckpointAsync(cluster);
        RewriteUsage(cluster, key, u => Counted(u, 50, u.HandedOver));

        Assert.Equal(LimitResetStatus.Reset, await key.ResetLimitAsync("daily").Bounded());

        Assert.Equal(0, StoredDaily(cluster, key));
        await AdmitAsync(cluster, keyId, secret, times: 1);
        var info = await key.GetAsync().Bounded();
        Assert.Equal(99, info!.Usage.Single(u => u.Name == "daily").Remaining);
    }

    /// <summary>
    /// A front end gives back units leased by an activation that handed its epoch over after this one had read
    /// storage (two activations for a moment): unknown when they arrive, they are credited once this activation's
    /// checkpoint meets that handover, instead of counting as spent.
    /// </summary>
    [Fact]
    public async Task UnitsGivenBackUnderAnEpochHandedOverLater_AreCreditedWhenTheCheckpointMeetsTheHandover()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await CreateKeyAsync(cluster);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        await AdmitAsync(cluster, keyId, secret, times: 30);
        await CheckpointAsync(cluster);

        // The other activation had leased 10 units to a front end (counted in its 20) that it never used.
        var other = new LeaseStamp(Guid.NewGuid(), 0, cluster.Time.GetUtcNow());
        await key.ReturnLeaseAsync(new LeaseReturn(10, other, LeaseStamp.None)).Bounded();
        var info = await key.GetAsync().Bounded();
        Assert.Equal(70, info!.Usage.Single(u => u.Name == "daily").Remaining);

        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        RewriteUsage(cluster, key, u => Counted(u, 50, [.. u.HandedOver, new HandedOverEpoch(other.Epoch, cluster.Time.GetUtcNow())]));
        var writes = cluster.Storage.Writes;
        cluster.Time.Advance(Interval);
        await Await.UntilAsync(() => cluster.Storage.Writes >= writes + 1, "the checkpoint met the handover and wrote the sum");

        Assert.Equal(40, StoredDaily(cluster, key));
        info = await key.GetAsync().Bounded();
        Assert.Equal(60, info!.Usage.Single(u => u.Name == "daily").Remaining);
    }

    // The checkpoint timer fires once the interval has passed, and writes in a turn of its own (interleaved).
    private static async Task CheckpointAsync(GatewayCluster cluster)
    {
        var writes = cluster.Storage.Writes;
        cluster.Time.Advance(Interval);
        await Await.UntilAsync(() => cluster.Storage.Writes > writes, "the checkpoint was written");
    }

    private static Serializer SerializerOf(GatewayCluster cluster) => cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<Serializer>();

    private static void RewriteUsage(GatewayCluster cluster, IApiKeyGrain key, Func<QuotaUsageState, QuotaUsageState> change) =>
        cluster.Storage.Rewrite("usage", key.GetGrainId(), SerializerOf(cluster), change);

    private static long StoredDaily(GatewayCluster cluster, IApiKeyGrain key) =>
        cluster.Storage.Read<QuotaUsageState>("usage", key.GetGrainId(), SerializerOf(cluster)).Windows.Single(w => w.Name == "daily").Current;

    private static QuotaUsageState Counted(QuotaUsageState stored, long daily, IReadOnlyList<HandedOverEpoch> handedOver) => new()
    {
        Windows = [.. stored.Windows.Select(w => w.Name == "daily" ? w with { Current = daily } : w)],
        HandedOver = handedOver,
    };

    private static async Task KillAsync(GatewayCluster cluster, Orleans.TestingHost.InProcessSiloHandle silo)
    {
        await cluster.Cluster.KillSiloAsync(silo).Bounded();
        await cluster.Cluster.WaitForLivenessToStabilizeAsync(didKill: true).Bounded(TimeSpan.FromSeconds(60));
    }

    private static async Task AdmitAsync(GatewayCluster silo, string keyId, string secret, int times)
    {
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        for (var i = 0; i < times; i++)
        {
            var result = await key.AdmitAsync(new AdmissionRequest(TestKeys.Hash(secret), 1, null)).Bounded();
            Assert.Equal(AdmissionStatus.Allowed, result.Status);
        }
    }

    private static Task<(string KeyId, string Secret)> CreateKeyAsync(
        GatewayCluster silo, IReadOnlyList<LimitDefinition>? keyLimits = null, IReadOnlyList<LimitDefinition>? tenantLimits = null) =>
        silo.CreateTenantWithKeyAsync(tenantLimits ?? [], keyLimits ?? [Daily, Minute]);
}
