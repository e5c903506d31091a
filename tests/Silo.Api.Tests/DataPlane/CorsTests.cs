using System.Net.Http.Json;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.DataPlane;

/// <summary>Per-tenant CORS: preflights at the edge, allow-origin only for the key's own tenant.</summary>
public sealed class CorsTests(GatewayFactory gateway, Downstream downstream) : IClassFixture<GatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task Preflight_FromAnOriginATenantAllows_Gets204WithAllowHeaders()
    {
        var origin = $"https://{GatewayFactory.NewId("app")}.example.com";
        await CreateTenantAsync([origin]);
        using var client = gateway.CreateClient();

        var response = await WaitForPreflightAsync(client, origin, expected: 204);

        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("x-api-key, content-type", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("600", response.Headers.GetValues("Access-Control-Max-Age").Single());
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task Preflight_FromAnOriginNoTenantAllows_Gets403WithoutAllowOrigin()
    {
        using var client = gateway.CreateClient();

        var response = await SendPreflightAsync(client, "https://evil.example.net");

        await Expect.ProblemAsync(response, 403, "origin-not-allowed");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ActualRequest_AllowOriginOnlyForTheKeysOwnTenant()
    {
        var origin = $"https://{GatewayFactory.NewId("app")}.example.com";
        var allowing = await CreateTenantAsync([origin]);
        var other = await gateway.CreateTenantAsync();
        var allowedKey = await gateway.CreateKeyAsync(allowing);
        var otherKey = await gateway.CreateKeyAsync(other);
        using var client = gateway.CreateClient();
        await WaitForPreflightAsync(client, origin, expected: 204);

        var allowed = await CheckAsync(client, allowedKey, origin);
        var refused = await CheckAsync(client, otherKey, origin);

        Assert.True(200 == (int)allowed.StatusCode, await allowed.Content.ReadAsStringAsync());
        Assert.Equal(origin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("RateLimit", allowed.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        Assert.Equal(200, (int)refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ProxiedResponse_GetsTheTenantsAllowOrigin()
    {
        var (client, service, origin) = await GrantedClientAsync();
        using var owned = client;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/echo/x");
        request.Headers.Add("Origin", origin);

        var response = await client.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task ChangingATenantsOrigins_ReachesPreflightsWithinASecondOrTwo()
    {
        var tenant = await CreateTenantAsync([]);
        var origin = $"http://{GatewayFactory.NewId("local")}.test:3000";
        using var admin = gateway.CreateAdminClient();
        using var client = gateway.CreateClient();
        Assert.Equal(403, (int)(await SendPreflightAsync(client, origin)).StatusCode);

        var put = await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/cors", new[] { origin.ToUpperInvariant() });

        var body = await Expect.JsonAsync(put, 200);
        Assert.Equal(origin, body.GetProperty("corsOrigins")[0].GetString());
        await WaitForPreflightAsync(client, origin, expected: 204);

        Assert.Equal(200, (int)(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/cors", Array.Empty<string>())).StatusCode);
        await WaitForPreflightAsync(client, origin, expected: 403);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    [InlineData("https://other.example.org")]
    [InlineData("TWICE")]
    public async Task ADownstreamsOwnCorsHeaders_NeverReachTheClient_WhateverTheOrigin(string? origin)
    {
        var tenant = await CreateTenantAsync([]);
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        using var client = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/cors");
        if (origin == "TWICE")
        {
            request.Headers.TryAddWithoutValidation("Origin", ["https://a.example.com", "https://b.example.com"]);
        }
        else if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        var response = await client.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("cors", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ATenantsGrant_ReplacesTheDownstreamsCorsHeaders_Entirely()
    {
        var (client, service, origin) = await GrantedClientAsync();
        using var owned = client;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/cors");
        request.Headers.Add("Origin", origin);

        var response = await client.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.DoesNotContain("X-Internal-Token", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        foreach (var name in new[] { "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age" })
        {
            Assert.False(response.Headers.Contains(name), name);
        }
    }

    [Theory]
    [InlineData("https://app.example.com/path")]
    [InlineData("ftp://app.example.com")]
    [InlineData("app.example.com")]
    [InlineData("https://user@app.example.com")]
    [InlineData("")]
    public async Task InvalidOrigin_IsAValidationProblemNamingTheField(string origin)
    {
        using var admin = gateway.CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/admin/tenants", new { id = GatewayFactory.NewId("t"), name = "T", corsOrigins = new[] { "https://ok.example.com", origin } });

        var problem = await Expect.ProblemAsync(response, 400, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("corsOrigins[1]", out _));
    }

    [Fact]
    public async Task AdminRoutes_NeverAnswerCors()
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/admin/tenants");
        request.Headers.Add("Origin", "https://evil.example.net");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await client.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.NotEqual(204, (int)response.StatusCode);
    }

    /// <summary>A key client of a tenant that allows a fresh origin (preflights already answer it), and a service.</summary>
    private async Task<(HttpClient Client, string Service, string Origin)> GrantedClientAsync()
    {
        var origin = $"https://{GatewayFactory.NewId("app")}.example.com";
        var tenant = await CreateTenantAsync([origin]);
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        var client = gateway.CreateKeyClient(key);
        await WaitForPreflightAsync(client, origin, expected: 204);
        return (client, service, origin);
    }

    private async Task<string> CreateTenantAsync(string[] origins)
    {
        var id = GatewayFactory.NewId("t");
        using var admin = gateway.CreateAdminClient();
        await Expect.StatusAsync(await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "T", corsOrigins = origins }), 201);
        return id;
    }

    private static async Task<HttpResponseMessage> SendPreflightAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/check");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key, content-type");
        return await client.SendAsync(request);
    }

    /// <summary>Front ends pick up origin changes within a second; poll the observable answer until then.</summary>
    private static async Task<HttpResponseMessage> WaitForPreflightAsync(HttpClient client, string origin, int expected)
    {
        HttpResponseMessage? last = null;
        await Await.UntilAsync(
            async () => (int)(last = await SendPreflightAsync(client, origin)).StatusCode == expected,
            $"the preflight from {origin} answers {expected}",
            TimeSpan.FromSeconds(5));
        return last!;
    }

    private static async Task<HttpResponseMessage> CheckAsync(HttpClient client, string key, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
        request.Headers.Add("X-Api-Key", key);
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }
}
