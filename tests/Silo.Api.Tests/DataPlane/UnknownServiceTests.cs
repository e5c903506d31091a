using Microsoft.Extensions.DependencyInjection;
using Silo.Api.Auth;
using Silo.Api.Routing;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.DataPlane;

/// <summary>Made-up service ids cost nothing that lasts: no grain activation, no routing entry, no unit of quota.</summary>
public sealed class UnknownServiceTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task AValidKey_FloodingRandomServiceIds_Gets404s_AndNothingIsKept()
    {
        var real = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("units", 10, 3600));
        using var client = gateway.CreateKeyClient(key);
        await Expect.StatusAsync(await client.GetAsync($"/{real}/x"), 200);
        var routes = gateway.Services.GetRequiredService<RoutingTable>();
        var routesBefore = routes.Count;
        var servicesBefore = await ServiceActivationsAsync(gateway);

        for (var i = 0; i < 300; i++)
        {
            await Expect.ProblemAsync(await client.GetAsync($"/{GatewayFactory.NewId("nope")}/x"), 404, "unknown-service");
        }

        Assert.Equal(routesBefore, routes.Count);
        Assert.Equal(servicesBefore, await ServiceActivationsAsync(gateway));

        // Nothing reached counted against the key: nine of ten units are left after the one real request.
        var check = await Expect.JsonAsync(await client.PostAsync("/v1/check", null), 200);
        Assert.Equal(8, check.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task AServiceCreatedThroughThisFrontEnd_ServesAtOnce()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var client = gateway.CreateKeyClient(key);
        var id = GatewayFactory.NewId("late");

        // Unknown first (the front end's directory copy is fresh and lacks it)...
        await Expect.ProblemAsync(await client.GetAsync($"/{id}/x"), 404, "unknown-service");

        // ...then created, and served on the very next request.
        using var admin = gateway.CreateAdminClient();
        await Expect.StatusAsync(await admin.PostAsync("/admin/services", JsonBody(id)), 201);
        await Expect.StatusAsync(await client.GetAsync($"/{id}/x"), 200);

        StringContent JsonBody(string service) => new(
            $$"""{"id":"{{service}}","endpoints":[{"url":"{{downstream.BaseUrl}}/echo","weight":1}],"timeoutSeconds":10}""",
            System.Text.Encoding.UTF8,
            "application/json");
    }

    internal static async Task<int> ServiceActivationsAsync(GatewayFactory gateway)
    {
        var management = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var activations = await management.GetDetailedGrainStatistics();
        return activations.Count(a => a.GrainType.Contains("Services.ServiceGrain", StringComparison.Ordinal));
    }
}

/// <summary>A stranger with a well-formed but fake key and random service ids is cut off before anything is looked up.</summary>
public sealed class UnknownServiceStrangerTests(StrictAuthGatewayFactory gateway) : IClassFixture<StrictAuthGatewayFactory>
{
    [Fact]
    public async Task AFakeKey_FloodingRandomServiceIds_IsBlocked_AndNothingIsKept()
    {
        var routes = gateway.Services.GetRequiredService<RoutingTable>();
        var servicesBefore = await UnknownServiceTests.ServiceActivationsAsync(gateway);
        using var stranger = gateway.CreateKeyClient(ApiKeyFormat.Generate().Key);

        var statuses = new List<int>();
        for (var i = 0; i < 200; i++)
        {
            statuses.Add((int)(await stranger.GetAsync($"/{GatewayFactory.NewId("rand")}/x")).StatusCode);
        }

        Assert.Equal([401, 401, 401], statuses.Take(3));
        Assert.All(statuses.Skip(3), s => Assert.Equal(429, s));
        Assert.Equal(0, routes.Count);
        Assert.Equal(servicesBefore, await UnknownServiceTests.ServiceActivationsAsync(gateway));
    }
}
