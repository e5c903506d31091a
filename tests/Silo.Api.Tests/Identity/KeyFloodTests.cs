using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Identity;

/// <summary>With the production intervals, a flood of tokens naming made-up key ids cannot make the gateway hammer the identity provider.</summary>
public sealed class KeyFloodTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task FiftyTokensWithUnknownKeyIds_CostTheIdentityProviderOneKeySetFetch()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        await JwtSupport.RegisterAsync(gateway, tenant, idp);
        using var client = gateway.CreateClient();
        await Expect.StatusAsync(await JwtSupport.CheckAsync(client, idp.Token("heidi")), 200);
        Assert.Equal(1, idp.JwksFetches);

        for (var i = 0; i < 50; i++)
        {
            await Expect.ProblemAsync(await JwtSupport.CheckAsync(client, idp.Token("mallory", kid: "rsa-2")), 401, "invalid-token");
        }

        // Within Identity:MinRefreshSeconds (30 s) of the first fetch, no other fetch went out.
        Assert.Equal(1, idp.JwksFetches);
    }
}
