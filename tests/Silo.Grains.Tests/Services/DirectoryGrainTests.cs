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

        Assert.Equal(["acme", "globex"], (await tenants.GetIfNewerAsync(0).Bounded())!.Ids);
        Assert.Null(await silo.Grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Services).GetIfNewerAsync(0).Bounded());
    }
}
