using Microsoft.Extensions.DependencyInjection;
using Silo.Grains.Tenants;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Tenants;

/// <summary>A tenant's audit trail: pages of 100 written one at a time, the oldest dropped past the retention.</summary>
public sealed class AuditLogGrainTests
{
    [Fact]
    public async Task Appends_AreReadNewestFirst_AndTheOldestPagesGoPastTheRetention()
    {
        await using var silo = await GatewayCluster.StartAsync(services: services =>
            services.Configure<AuditOptions>(o => o.MaxEventsPerTenant = 200));
        var audit = silo.Grains.GetGrain<IAuditLogGrain>("acme");

        for (var i = 0; i < 450; i++)
        {
            await audit.AppendAsync(new AuditEvent(DateTimeOffset.UnixEpoch.AddSeconds(i), "key.created", $"k{i}", null)).Bounded();
        }

        // Pages 0–3 filled; two pages are kept: page 3 (events 300–399) and page 4 (400–449).
        var kept = await audit.ReadAsync(1000).Bounded();
        Assert.Equal(150, kept.Count);
        Assert.Equal(Enumerable.Range(300, 150).Reverse().Select(i => $"k{i}"), kept.Select(e => e.KeyId));
        Assert.Equal(["k449", "k448", "k447"], (await audit.ReadAsync(3).Bounded()).Select(e => e.KeyId));

        // Each page holds at most 100 events; the dropped ones are gone from storage.
        Assert.Equal(100, (await silo.Grains.GetGrain<IAuditPageGrain>("acme/3").ReadAsync().Bounded()).Count);
        Assert.Equal(50, (await silo.Grains.GetGrain<IAuditPageGrain>("acme/4").ReadAsync().Bounded()).Count);
        Assert.Empty(await silo.Grains.GetGrain<IAuditPageGrain>("acme/0").ReadAsync().Bounded());
        Assert.Empty(await silo.Grains.GetGrain<IAuditPageGrain>("acme/2").ReadAsync().Bounded());
    }

    [Fact]
    public async Task TenantEvents_GoToTheTrail_AndSurviveANewActivation()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var tenant = silo.Grains.GetGrain<ITenantGrain>("globex");
        Assert.Null(await tenant.GetAuditAsync(10).Bounded());

        Assert.True(await tenant.CreateAsync(new TenantDefinition("Globex", [], null)).Bounded());
        Assert.True(await tenant.SetStatusAsync(TenantStatus.Suspended).Bounded());
        Assert.True(await tenant.SetStatusAsync(TenantStatus.Active).Bounded());

        // A new activation of every grain reads the trail back from storage.
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero).Bounded();
        Assert.Equal(["tenant.resumed", "tenant.suspended"], (await tenant.GetAuditAsync(10).Bounded())!.Select(e => e.Action));
    }
}
