using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.DataPlane;

public sealed class FailedAuthenticationTests(StrictAuthGatewayFactory gateway) : IClassFixture<StrictAuthGatewayFactory>
{
    [Fact]
    public async Task FailedAuthentications_FromOneAddress_Get429_BeforeAnyKeyIsLookedAt()
    {
        var tenant = await gateway.CreateTenantAsync();
        var good = await gateway.CreateKeyAsync(tenant);
        using var guesser = gateway.CreateKeyClient(Silo.Api.Auth.ApiKeyFormat.Generate().Key);

        for (var i = 0; i < 3; i++)
        {
            await Expect.ProblemAsync(await guesser.PostAsync("/v1/check", null), 401, "invalid-api-key");
        }

        var blocked = await guesser.PostAsync("/v1/check", null);
        var problem = await Expect.ProblemAsync(blocked, 429, "rate-limited");
        Assert.Equal("60", blocked.Headers.GetValues("Retry-After").Single());
        Assert.Contains("failed authentications", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The address is cut off as a whole until its budget refills, valid key or not.
        using var sameAddress = gateway.CreateKeyClient(good);
        await Expect.ProblemAsync(await sameAddress.PostAsync("/v1/check", null), 429, "rate-limited");
    }
}

public sealed class SecurityHeaderTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task GatewayResponses_CarrySecurityHeaders_ProxiedOnesAreLeftAlone()
    {
        using var client = gateway.CreateClient();
        var own = await client.GetAsync("/health/live");
        Assert.Equal("nosniff", own.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", own.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", own.Headers.CacheControl?.ToString());

        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var keyClient = gateway.CreateKeyClient(key);
        var proxied = await keyClient.GetAsync($"/{service}/x");
        await Expect.StatusAsync(proxied, 200);
        Assert.False(proxied.Headers.Contains("X-Frame-Options"));
        Assert.Equal("yes", proxied.Headers.GetValues("X-Downstream").Single());
    }
}
