using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Keys;

/// <summary>Admission leases on the grains: reserved slices, returns, and holders told of changes before they are answered.</summary>
public sealed class ApiKeyLeaseTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>A durable limit: checkpointed, and handed over when its activation ends gracefully.</summary>
    private static readonly LimitDefinition Daily = new("day", LimitAlgorithm.FixedWindow, 1_000, 86_400, Calendar: LimitCalendar.Day);

    [Fact]
    public async Task Lease_ReservesTheSliceAtKeyAndTenant()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var holder = new RecordingHolder(silo);

        var lease = await Lease(silo, keyId, secret, holder, tokens: 100);

        Assert.True(lease.Result.IsAllowed);
        Assert.Equal(100, lease.Tokens);
        Assert.Equal(Second, lease.ValidFor);
        Assert.Equal(899, lease.Result.Decision.Remaining); // 1 for the request, 100 reserved
        Assert.Equal(899, (await KeyAsync(silo, keyId)).Usage[0].Remaining);
        Assert.Equal(9_899, (await TenantAsync(silo)).Usage[0].Remaining);
        Assert.Equal(TestKeys.Hash(secret), lease.Key!.SecretHash);
    }

    [Fact]
    public async Task Lease_OfASmallLimit_LeasesNothing_AndCountsPerRequest()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 10, tenantLimit: 10_000);
        var holder = new RecordingHolder(silo);

        var results = new List<AdmissionLease>();
        for (var i = 0; i < 12; i++)
        {
            results.Add(await Lease(silo, keyId, secret, holder, tokens: 40));
        }

        Assert.All(results, r => Assert.Equal(0, r.Tokens));
        Assert.Equal(10, results.Count(r => r.Result.IsAllowed));
        Assert.Equal(AdmissionStatus.Limited, results[^1].Result.Status);
        Assert.InRange(results[^1].RefusedFor, TimeSpan.FromTicks(1), Second); // the refusal stands at most a lease
    }

    [Fact]
    public async Task ReturnLease_CreditsUnusedUnitsToKeyAndTenant()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var lease = await Lease(silo, keyId, secret, new RecordingHolder(silo), tokens: 100);

        await silo.Grains.GetGrain<IApiKeyGrain>(keyId).ReturnLeaseAsync(new LeaseReturn(60, lease.KeyStamp, lease.TenantStamp)).Bounded();

        await Await.UntilAsync(async () => (await TenantAsync(silo)).Usage[0].Remaining == 9_959, "the tenant took the units back");
        Assert.Equal(959, (await KeyAsync(silo, keyId)).Usage[0].Remaining);
    }

    [Fact]
    public async Task ReturnLease_AfterTheLimitsChanged_CreditsNothing()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var lease = await Lease(silo, keyId, secret, new RecordingHolder(silo), tokens: 100);
        var tenant = silo.Grains.GetGrain<ITenantGrain>("t1");
        Assert.True(await tenant.SetLimitsAsync([new LimitDefinition("tenant", LimitAlgorithm.FixedWindow, 500, 3600)]).Bounded());
        Assert.True((await Lease(silo, keyId, secret, new RecordingHolder(silo), tokens: 0)).Result.IsAllowed);

        await tenant.ReturnLeaseAsync(100, lease.TenantStamp).Bounded();

        Assert.Equal(499, (await TenantAsync(silo)).Usage[0].Remaining);
    }

    [Fact]
    public async Task Revoke_WhileLeased_TellsTheHolderBeforeItAnswers()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var holder = new RecordingHolder(silo);
        Assert.Equal(100, (await Lease(silo, keyId, secret, holder, tokens: 100)).Tokens);

        Assert.True(await silo.Grains.GetGrain<IApiKeyGrain>(keyId).RevokeAsync().Bounded());

        Assert.Equal([keyId], holder.Ended);
        Assert.Equal(AdmissionStatus.InvalidKey, (await Lease(silo, keyId, secret, holder, tokens: 100)).Result.Status);
    }

    [Fact]
    public async Task Update_WhileLeased_TellsTheHolder_CreditsItsUnusedUnits_AndKeepsTheCount()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await silo.CreateTenantWithKeyAsync([], [Daily]); // durable: its count carries over a change
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        var holder = new RecordingHolder(silo);
        var lease = await Lease(silo, keyId, secret, holder, tokens: 100);
        Assert.Equal(100, lease.Tokens);
        holder.Unused = [new LeaseReturn(100, lease.KeyStamp, lease.TenantStamp)];
        var wider = new ApiKeyDefinition("renamed", [Daily], ["orders"], null);

        Assert.True(await key.UpdateAsync(wider).Bounded());

        Assert.Equal([keyId], holder.Ended);
        var info = await KeyAsync(silo, keyId);
        Assert.Equal("renamed", info.Name);
        Assert.Equal(["orders"], info.Scopes);
        Assert.Equal(999, info.Usage[0].Remaining); // the request's unit counted, the slice's 100 back
        Assert.Equal(AdmissionStatus.OutOfScope, (await key.AdmitAsync(new AdmissionRequest(TestKeys.Hash(secret), 1, "billing")).Bounded()).Status);
        Assert.True(await key.RevokeAsync().Bounded());
        Assert.False(await key.UpdateAsync(wider).Bounded()); // a revoked key stays as it was
    }

    [Fact]
    public async Task Rotate_And_Reset_WhileLeased_TellTheHolder()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        var holder = new RecordingHolder(silo);
        await Lease(silo, keyId, secret, holder, tokens: 100);

        Assert.Equal(RotationStatus.Rotated, await key.RotateAsync(TestKeys.Hash(TestKeys.Generate().Secret), TimeSpan.FromHours(1)).Bounded());
        Assert.Single(holder.Ended);

        var graced = await Lease(silo, keyId, secret, holder, tokens: 100);
        Assert.Single(graced.Key!.GracedSecrets);
        Assert.Equal(LimitResetStatus.Reset, await key.ResetLimitAsync("key").Bounded());
        Assert.Equal(2, holder.Ended.Count);
    }

    [Fact]
    public async Task Reset_WhileLeased_TakesTheHoldersUnusedUnitsBeforeTheCountStartsAfresh()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var holder = new RecordingHolder(silo);
        var lease = await Lease(silo, keyId, secret, holder, tokens: 100);
        holder.Unused = [new LeaseReturn(100, lease.KeyStamp, lease.TenantStamp)];

        Assert.Equal(LimitResetStatus.Reset, await silo.Grains.GetGrain<IApiKeyGrain>(keyId).ResetLimitAsync("key").Bounded());

        Assert.Equal(1_000, (await KeyAsync(silo, keyId)).Usage[0].Remaining);
        await Await.UntilAsync(async () => (await TenantAsync(silo)).Usage[0].Remaining == 9_999, "the tenant took back the unused 100 of its slice");
    }

    [Fact]
    public async Task OwnersStopped_WhileLeased_TheNextActivationsCreditWhatTheHolderGivesBack()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 3);
        var tenant = cluster.Grains.GetGrain<ITenantGrain>("t1");
        var (keyId, secret) = await cluster.CreateTenantWithKeyAsync([Daily with { Name = "tenant-day", Limit = 10_000 }], [Daily]);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        var lease = await Lease(cluster, keyId, secret, new RecordingHolder(cluster), tokens: 100);
        Assert.Equal(100, lease.Tokens);

        // Stop (gracefully) every silo that holds the key or the tenant, as a rolling restart does.
        foreach (var owner in new[] { await cluster.OwnerOfAsync(key), await cluster.OwnerOfAsync(tenant) }.Distinct())
        {
            await cluster.Cluster.StopSiloAsync(owner).Bounded(TimeSpan.FromSeconds(60));
        }

        await key.ReturnLeaseAsync(new LeaseReturn(70, lease.KeyStamp, lease.TenantStamp)).Bounded(); // 30 of the slice used

        await Await.UntilAsync(async () => (await TenantAsync(cluster)).Usage[0].Remaining == 9_969, "the tenant's next activation took back the unused 70");
        Assert.Equal(969, (await KeyAsync(cluster, keyId)).Usage[0].Remaining); // without the handover, 899
    }

    [Fact]
    public async Task TenantSuspendedOrLimitsChanged_WhileLeased_TellsTheKeysHolders()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var tenant = silo.Grains.GetGrain<ITenantGrain>("t1");
        var holder = new RecordingHolder(silo);
        await Lease(silo, keyId, secret, holder, tokens: 100);

        Assert.True(await tenant.SetStatusAsync(TenantStatus.Suspended).Bounded());

        Assert.Equal([keyId], holder.Ended);
        Assert.Equal(AdmissionStatus.TenantSuspended, (await Lease(silo, keyId, secret, holder, tokens: 100)).Result.Status);

        Assert.True(await tenant.SetStatusAsync(TenantStatus.Active).Bounded());
        Assert.Equal(100, (await Lease(silo, keyId, secret, holder, tokens: 100)).Tokens);
        Assert.True(await tenant.SetLimitsAsync([new LimitDefinition("tenant", LimitAlgorithm.TokenBucket, 20_000, 60)]).Bounded());
        Assert.Equal(2, holder.Ended.Count);
    }

    [Fact]
    public async Task Refusal_IsRemembered_SoALimitResetTellsTheHolder()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 2, tenantLimit: 10_000);
        var holder = new RecordingHolder(silo);
        await Lease(silo, keyId, secret, holder, tokens: 0);
        await Lease(silo, keyId, secret, holder, tokens: 0);
        var refused = await Lease(silo, keyId, secret, holder, tokens: 0);
        Assert.Equal(AdmissionStatus.Limited, refused.Result.Status);
        Assert.True(refused.RefusedFor > TimeSpan.Zero);

        Assert.Equal(LimitResetStatus.Reset, await silo.Grains.GetGrain<IApiKeyGrain>(keyId).ResetLimitAsync("key").Bounded());

        Assert.Equal([keyId], holder.Ended);
    }

    [Fact]
    public async Task Refusal_AsksHoldersOfSlicesForTheirUnusedUnits_OncePerSlice_AndAdmitsFromThem()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        var parked = new RecordingHolder(silo);
        var lease = await Lease(silo, keyId, secret, parked, tokens: 200);
        Assert.Equal(200, lease.Tokens);
        Assert.True((await key.AdmitAsync(new AdmissionRequest(TestKeys.Hash(secret), 799, null)).Bounded()).IsAllowed); // the rest
        parked.Unused = [new LeaseReturn(150, lease.KeyStamp, lease.TenantStamp)]; // it used 50 of its slice

        var admitted = await key.AdmitAsync(new AdmissionRequest(TestKeys.Hash(secret), 1, null)).Bounded();

        Assert.True(admitted.IsAllowed);
        Assert.Equal([keyId], parked.GivenBack);
        Assert.Empty(parked.Ended); // its lease stands: only its units came back
        Assert.Equal(149, (await KeyAsync(silo, keyId)).Usage[0].Remaining);

        // Spent: refused without asking the holder again, since no slice was granted to it since.
        Assert.True((await key.AdmitAsync(new AdmissionRequest(TestKeys.Hash(secret), 149, null)).Bounded()).IsAllowed);
        Assert.Equal(AdmissionStatus.Limited, (await key.AdmitAsync(new AdmissionRequest(TestKeys.Hash(secret), 1, null)).Bounded()).Status);
        Assert.Single(parked.GivenBack);
    }

    [Fact]
    public async Task LeaseRefused_AsksTheOtherHolders_NotTheOneAsking()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        var quiet = new RecordingHolder(silo);
        var busy = new RecordingHolder(silo);
        var quietLease = await Lease(silo, keyId, secret, quiet, tokens: 200);
        Assert.Equal(90, (await Lease(silo, keyId, secret, busy, tokens: 90)).Tokens);
        var drain = new LeaseRequest(TestKeys.Hash(secret), 708, null, 0, Second, new RecordingHolder(silo).Reference);
        Assert.True((await key.LeaseAsync(drain).Bounded()).Result.IsAllowed); // the rest
        quiet.Unused = [new LeaseReturn(200, quietLease.KeyStamp, quietLease.TenantStamp)];

        var renewed = await Lease(silo, keyId, secret, busy, tokens: 90);

        Assert.True(renewed.Result.IsAllowed);
        Assert.Equal(0, renewed.Tokens); // 199 left among two holders: too little room for a slice of 90
        Assert.Equal([keyId], quiet.GivenBack);
        Assert.Empty(busy.GivenBack);
        Assert.Equal(199, (await KeyAsync(silo, keyId)).Usage[0].Remaining);
        await Await.UntilAsync(async () => (await TenantAsync(silo)).Usage[0].Remaining == 10_000 - 1_001 + 200, "the tenant took back its part of the units");
    }

    [Fact]
    public async Task HoldersOnEverySilo_AndOnAClient_AreAllToldOfARevoke()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 3);
        var (keyId, secret) = await CreateKeyAsync(cluster, keyLimit: 1_000_000, tenantLimit: 10_000_000);
        var holders = cluster.SiloGrainFactories.Select(f => new RecordingHolder(f)).Append(new RecordingHolder(cluster)).ToArray();
        foreach (var holder in holders)
        {
            Assert.True((await Lease(cluster, keyId, secret, holder, tokens: 100)).Tokens > 0);
        }

        Assert.True(await cluster.Grains.GetGrain<IApiKeyGrain>(keyId).RevokeAsync().Bounded());

        Assert.All(holders, h => Assert.Equal([keyId], h.Ended));
    }

    [Fact]
    public async Task ExpiredHolders_AreNotTold()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, keyLimit: 1_000, tenantLimit: 10_000);
        var holder = new RecordingHolder(silo);
        await Lease(silo, keyId, secret, holder, tokens: 100);
        silo.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(await silo.Grains.GetGrain<IApiKeyGrain>(keyId).RevokeAsync().Bounded());

        Assert.Empty(holder.Ended);
    }

    [Fact]
    public async Task OwnerSiloKilled_MidLease_TheNewActivationCreditsNothingOfTheOldSlice()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 2);
        var (keyId, secret) = await cluster.CreateTenantWithKeyAsync([], [Daily]);
        var key = cluster.Grains.GetGrain<IApiKeyGrain>(keyId);
        var lease = await Lease(cluster, keyId, secret, new RecordingHolder(cluster), tokens: 100);
        Assert.Equal(100, lease.Tokens);
        var writes = cluster.Storage.Writes;
        cluster.Time.Advance(TimeSpan.FromSeconds(6)); // a checkpoint writes the 101 units taken
        await Await.UntilAsync(() => cluster.Storage.Writes > writes, "the checkpoint was written");

        var owner = await cluster.OwnerOfAsync(key);
        await cluster.Cluster.KillSiloAsync(owner);
        await cluster.Cluster.WaitForLivenessToStabilizeAsync(didKill: true).Bounded(TimeSpan.FromSeconds(60));
        await key.ReturnLeaseAsync(new LeaseReturn(100, lease.KeyStamp, lease.TenantStamp)).Bounded();

        Assert.Equal(899, (await KeyAsync(cluster, keyId)).Usage[0].Remaining);
    }

    private static Task<(string KeyId, string Secret)> CreateKeyAsync(GatewayCluster silo, long keyLimit, long tenantLimit) =>
        silo.CreateTenantWithKeyAsync([new LimitDefinition("tenant", LimitAlgorithm.TokenBucket, tenantLimit, 60)], [new LimitDefinition("key", LimitAlgorithm.TokenBucket, keyLimit, 60)]);

    private static Task<AdmissionLease> Lease(GatewayCluster silo, string keyId, string secret, RecordingHolder holder, long tokens) =>
        silo.Grains.GetGrain<IApiKeyGrain>(keyId).LeaseAsync(new LeaseRequest(TestKeys.Hash(secret), 1, null, tokens, Second, holder.Reference)).Bounded();

    private static async Task<ApiKeyInfo> KeyAsync(GatewayCluster silo, string keyId) =>
        (await silo.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded())!;

    private static async Task<TenantInfo> TenantAsync(GatewayCluster silo) =>
        (await silo.Grains.GetGrain<ITenantGrain>("t1").GetAsync().Bounded())!;
}
