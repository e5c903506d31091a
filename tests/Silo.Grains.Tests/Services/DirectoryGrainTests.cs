using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Grains.Tenants;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Services;

/// <summary>The indexes of service ids (front ends read it so that made-up ids never reach a service grain) and tenant ids.</summary>
public sealed class DirectoryGrainTests
{
    [Fact]
    public async Task CreatedServices_AreListed_AndTheVersionMovesOnlyOnChange()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var directory = silo.Grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Services);
        Assert.Null(await directory.GetIfNewerAsync(0).Bounded());

        var definition = new ServiceDefinition("billing", [new EndpointDefinition("http://127.0.0.1:1/", 1)], LoadBalancingPolicy.RoundRobin, 10, null, null);
        Assert.True(await silo.Grains.GetGrain<IServiceGrain>("billing").CreateAsync(definition).Bounded());
        var first = (await directory.GetIfNewerAsync(0).Bounded())!;
        Assert.Equal(["billing"], first.Ids);

        // Adding again (a service's new activation lists itself) changes nothing.
        await directory.AddAsync("billing").Bounded();
        Assert.Null(await directory.GetIfNewerAsync(first.Version).Bounded());
    }

    [Fact]
    public async Task CreatedTenants_AreListedInTheirOwnIndex()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var tenants = silo.Grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Tenants);
        Assert.Null(await tenants.GetIfNewerAsync(0).Bounded());

        Assert.True(await silo.Grains.GetGrain<ITenantGrain>("acme").CreateAsync(new TenantDefinition("Acme", [])).Bounded());
        Assert.True(await silo.Grains.GetGrain<ITenantGrain>("globex").CreateAsync(new TenantDefinition("Globex", [])).Bounded());
        Assert.False(await silo.Grains.GetGrain<ITenantGrain>("acme").CreateAsync(new TenantDefinition("Again", [])).Bounded());

        // The same create again (a retry whose first answer was lost) succeeds and changes nothing.
        Assert.True(await silo.Grains.GetGrain<ITenantGrain>("acme").CreateAsync(new TenantDefinition("Acme", [])).Bounded());

        Assert.Equal(["acme", "globex"], (await tenants.GetIfNewerAsync(0).Bounded())!.Ids);
        Assert.Null(await silo.Grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Services).GetIfNewerAsync(0).Bounded());
    }

    [Fact]
    public async Task ATenantCreatedWhileTheIndexCannotBeWritten_IsCreated_AndListedOnceItCanBe()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var tenants = silo.Grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Tenants);
        Assert.True(await silo.Grains.GetGrain<ITenantGrain>("first").CreateAsync(new TenantDefinition("First", [])).Bounded());

        silo.Storage.FailingState = "service-directory";
        Assert.True(await silo.Grains.GetGrain<ITenantGrain>("acme").CreateAsync(new TenantDefinition("Acme", [])).Bounded());
        Assert.NotNull(await silo.Grains.GetGrain<ITenantGrain>("acme").GetAsync().Bounded());
        Assert.Equal(["first"], (await tenants.GetIfNewerAsync(0).Bounded())!.Ids);

        // The index took nothing it could not store; the tenant's own timer (every 2 s) lists it once the storage
        // is back.
        silo.Storage.FailingState = null;
        await Await.UntilAsync(
            async () =>
            {
                silo.Time.Advance(TimeSpan.FromSeconds(2));
                return (await tenants.GetIfNewerAsync(0).Bounded())!.Ids.Contains("acme");
            },
            "the tenant is listed once the index can be written");
        Assert.Equal(["first", "acme"], (await tenants.GetIfNewerAsync(0).Bounded())!.Ids);
    }
}
