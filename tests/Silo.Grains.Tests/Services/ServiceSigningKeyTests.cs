using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Services;

/// <summary>A service's signing keys: what a rotation keeps and for how long, what front ends get, what the admin API sees, and that they are stored.</summary>
public sealed class ServiceSigningKeyTests
{
    private static readonly ServiceDefinition Orders = new("orders", [new EndpointDefinition("http://127.0.0.1:1/", 1)], LoadBalancingPolicy.RoundRobin, 10, null, null);

    [Fact]
    public async Task ARotationWithOverlap_KeepsTheOldKeyUntilItRetires_AndTheSnapshotCarriesBoth()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var service = silo.Grains.GetGrain<IServiceGrain>("orders");
        Assert.Null(await service.AddSigningKeyAsync("sig_a", [1, 2, 3], TimeSpan.Zero).Bounded());
        Assert.True(await service.CreateAsync(Orders).Bounded());
        Assert.Null((await service.GetSnapshotAsync().Bounded())!.SigningKeys);

        await service.AddSigningKeyAsync("sig_a", [1, 2, 3], TimeSpan.Zero).Bounded();
        var before = (await service.GetSnapshotAsync().Bounded())!;
        var keys = await service.AddSigningKeyAsync("sig_b", [4, 5, 6], TimeSpan.FromMinutes(10)).Bounded();

        Assert.Equal(["sig_a", "sig_b"], keys!.Select(k => k.KeyId));
        Assert.Equal(silo.Time.GetUtcNow() + TimeSpan.FromMinutes(10), keys![0].RetiresAt);
        Assert.Null(keys[1].RetiresAt);
        var snapshot = (await service.GetSnapshotAsync().Bounded())!;
        Assert.True(snapshot.Version > before.Version);
        Assert.Equal([[1, 2, 3], [4, 5, 6]], snapshot.SigningKeys!.Select(k => k.Secret));

        // Past its overlap the old key no longer signs, and the next rotation drops it.
        silo.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.False(snapshot.SigningKeys![0].SignsAt(silo.Time.GetUtcNow()));
        keys = await service.AddSigningKeyAsync("sig_c", [7], TimeSpan.FromMinutes(1)).Bounded();
        Assert.Equal(["sig_b", "sig_c"], keys!.Select(k => k.KeyId));
    }

    [Fact]
    public async Task ARotationWithoutOverlap_LeavesOnlyTheNewKey_AndRemovingStopsSigning()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var service = silo.Grains.GetGrain<IServiceGrain>("orders");
        Assert.True(await service.CreateAsync(Orders).Bounded());
        await service.AddSigningKeyAsync("sig_a", [1], TimeSpan.FromHours(1)).Bounded();

        var keys = await service.AddSigningKeyAsync("sig_b", [2], TimeSpan.Zero).Bounded();
        Assert.Equal(["sig_b"], keys!.Select(k => k.KeyId));

        Assert.True(await service.RemoveSigningKeysAsync().Bounded());
        Assert.Null((await service.GetSnapshotAsync().Bounded())!.SigningKeys);
        Assert.Empty((await service.GetAsync().Bounded())!.Signing!);
        Assert.False(await silo.Grains.GetGrain<IServiceGrain>("nothing").RemoveSigningKeysAsync().Bounded());
    }

    [Fact]
    public async Task Keys_AreStored_AndANewActivationSignsWithThem_WhileAnUpdateOfTheDefinitionKeepsThem()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var service = silo.Grains.GetGrain<IServiceGrain>("orders");
        Assert.True(await service.CreateAsync(Orders).Bounded());
        await service.AddSigningKeyAsync("sig_a", [9, 9], TimeSpan.Zero).Bounded();
        Assert.True(await service.UpdateAsync(Orders with { TimeoutSeconds = 20 }).Bounded());
        var before = (await service.GetSnapshotAsync().Bounded())!;

        // A new activation (its epoch is its start time) reads the keys back from storage.
        silo.Time.Advance(TimeSpan.FromSeconds(1));
        await silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero).Bounded();

        var snapshot = (await service.GetSnapshotAsync().Bounded())!;
        Assert.NotEqual(before.Epoch, snapshot.Epoch);
        Assert.Equal(20, snapshot.TimeoutSeconds);
        Assert.Equal("sig_a", snapshot.SigningKeys!.Single().KeyId);
        Assert.Equal([9, 9], snapshot.SigningKeys!.Single().Secret);
    }
}
