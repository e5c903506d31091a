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

/// <summary>Bad API keys from an address spend the data plane's budget only: the admin token still works from there.</summary>
public sealed class DataPlaneFailuresSpareTheAdminApiTests(StrictAuthGatewayFactory gateway) : IClassFixture<StrictAuthGatewayFactory>
{
    [Fact]
    public async Task BadKeys_BlockTheDataPlane_NotTheAdminApi()
    {
        var tenant = await gateway.CreateTenantAsync();
        using var guesser = gateway.CreateKeyClient(Silo.Api.Auth.ApiKeyFormat.Generate().Key);
        for (var i = 0; i < 3; i++)
        {
            await Expect.ProblemAsync(await guesser.PostAsync("/v1/check", null), 401, "invalid-api-key");
        }

        await Expect.ProblemAsync(await guesser.PostAsync("/v1/check", null), 429, "rate-limited");

        using var admin = gateway.CreateAdminClient();
        await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        await gateway.CreateKeyAsync(tenant);
    }
}

/// <summary>Guessing the admin token spends the admin API's budget only: keys keep working from that address.</summary>
public sealed class AdminFailuresSpareTheDataPlaneTests(StrictAuthGatewayFactory gateway) : IClassFixture<StrictAuthGatewayFactory>
{
    [Fact]
    public async Task BadAdminTokens_BlockTheAdminApi_NotTheDataPlane()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var guesser = gateway.CreateClient();
        guesser.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-the-admin-token-0000");
        for (var i = 0; i < 3; i++)
        {
            await Expect.ProblemAsync(await guesser.GetAsync($"/admin/tenants/{tenant}"), 401, "admin-unauthorized");
        }

        // The address has spent its admin budget: even the right token is refused from there for now...
        using var admin = gateway.CreateAdminClient();
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 429, "rate-limited");

        // ...while its API keys are untouched.
        using var client = gateway.CreateKeyClient(key);
        await Expect.JsonAsync(await client.PostAsync("/v1/check", null), 200);
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

/// <summary>Bad JWTs spend the same budget as bad keys: past it the address gets 429, even with a good token.</summary>
public sealed class FailedTokenTests(StrictAuthGatewayFactory gateway) : IClassFixture<StrictAuthGatewayFactory>
{
    [Fact]
    public async Task BadTokens_FromOneAddress_Get429_AfterTheBudget()
    {
        await using var idp = await Silo.TestKit.TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        await Identity.JwtSupport.RegisterAsync(gateway, tenant, idp);
        using var client = gateway.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            await Expect.ProblemAsync(await Identity.JwtSupport.CheckAsync(client, idp.Token("eve", audience: "not-ours")), 401, "invalid-token");
        }

        await Expect.ProblemAsync(await Identity.JwtSupport.CheckAsync(client, idp.Token("eve")), 429, "rate-limited");
    }
}
