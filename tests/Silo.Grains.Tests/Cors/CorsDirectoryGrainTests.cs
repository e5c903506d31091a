using Silo.Grains.Cors;
using Silo.Grains.Tenants;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Cors;

/// <summary>The origin directory, through the codec as across silos: tenants write it, front ends read it by version.</summary>
public sealed class CorsDirectoryGrainTests
{
    [Fact]
    public async Task TenantsWriteTheirOrigins_AndTheDirectoryVersionMovesOnlyOnChange()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var directory = silo.Grains.GetGrain<ICorsDirectoryGrain>(ICorsDirectoryGrain.Key);
        Assert.Null(await directory.GetIfNewerAsync(0).Bounded());

        var acme = silo.Grains.GetGrain<ITenantGrain>("acme");
        Assert.True(await acme.CreateAsync(new TenantDefinition("Acme", [], ["https://app.acme.test"])).Bounded());
        var first = (await directory.GetIfNewerAsync(0).Bounded())!;
        Assert.Equal(["https://app.acme.test"], first.OriginsByTenant["acme"]);

        Assert.True(await acme.SetCorsOriginsAsync(["https://app.acme.test"]).Bounded());
        Assert.Null(await directory.GetIfNewerAsync(first.Version).Bounded());

        Assert.True(await acme.SetCorsOriginsAsync([]).Bounded());
        var cleared = (await directory.GetIfNewerAsync(first.Version).Bounded())!;
        Assert.False(cleared.OriginsByTenant.ContainsKey("acme"));
        Assert.Contains(await acme.GetAuditAsync(100).Bounded() ?? [], e => e.Action == "tenant.cors-changed");
    }
}
