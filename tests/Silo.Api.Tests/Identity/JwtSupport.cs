using System.Net.Http.Headers;
using System.Net.Http.Json;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Identity;

internal static class JwtSupport
{
    /// <summary>Registers <paramref name="idp"/> as the tenant's issuer, each consumer limited to <paramref name="perMinute"/> a minute.</summary>
    public static async Task RegisterAsync(GatewayFactory gateway, string tenant, TestIdentityProvider idp, bool discovery = false, int perMinute = 3)
    {
        using var admin = gateway.CreateAdminClient();
        object issuer = discovery
            ? new { issuer = idp.Issuer, audiences = new[] { "api" }, discoveryUri = idp.DiscoveryUri, consumerLimits = GatewayFactory.TokenBucket("per-user", perMinute, 60) }
            : new { issuer = idp.Issuer, audiences = new[] { "api" }, jwksUri = idp.JwksUri, consumerLimits = GatewayFactory.TokenBucket("per-user", perMinute, 60) };
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/issuers", new[] { issuer }), 200);
    }

    /// <summary><c>POST /v1/check</c> with the token as a bearer.</summary>
    public static async Task<HttpResponseMessage> CheckAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}
