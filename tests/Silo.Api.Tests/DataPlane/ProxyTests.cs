using System.Net;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.DataPlane;

public sealed class ProxyTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task Proxy_ForwardsMethodPathQueryAndBody_ToTheEndpoint()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/echo");

        var response = await client.PostAsync($"/{service}/orders/42?expand=items&x=%2F", new ByteArrayContent(new byte[12345]));

        var body = await Expect.JsonAsync(response, 200);
        Assert.Equal("POST", body.GetProperty("method").GetString());
        Assert.Equal("/echo/orders/42", body.GetProperty("path").GetString());
        Assert.Equal("?expand=items&x=%2F", body.GetProperty("query").GetString());
        Assert.Equal(12345, body.GetProperty("bodyBytes").GetInt64());
        Assert.Equal("yes", response.Headers.GetValues("X-Downstream").Single());
        Assert.StartsWith("\"limit\";r=", response.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_StripsCredentialAndHopByHopHeaders_AndSetsForwardedHeaders()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/echo");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/h");
        request.Headers.TryAddWithoutValidation("Connection", "X-Hop");
        request.Headers.TryAddWithoutValidation("X-Hop", "must-not-pass");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic secret");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Custom", "passes");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer downstream-token");

        var body = await Expect.JsonAsync(await client.SendAsync(request), 200);
        var headers = body.GetProperty("headers");

        Assert.False(headers.TryGetProperty("x-api-key", out _));
        Assert.False(headers.TryGetProperty("x-hop", out _));
        Assert.False(headers.TryGetProperty("proxy-authorization", out _));
        Assert.Equal("passes", headers.GetProperty("x-custom").GetString());
        Assert.Equal("Bearer downstream-token", headers.GetProperty("authorization").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("http", headers.GetProperty("x-forwarded-proto").GetString());
        Assert.Equal(client.BaseAddress!.Authority, headers.GetProperty("x-forwarded-host").GetString());
    }

    [Fact]
    public async Task Proxy_KeyInAuthorizationHeader_IsNotForwarded()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/b");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);

        var body = await Expect.JsonAsync(await client.SendAsync(request), 200);

        Assert.False(body.GetProperty("headers").TryGetProperty("authorization", out _));
    }

    [Fact]
    public async Task Proxy_UnknownService_Is404_AndReservedSegmentsNeverProxy()
    {
        var (client, _) = await SetUpAsync(downstream.BaseUrl + "/echo");

        await Expect.ProblemAsync(await client.GetAsync("/no-such-service/x"), 404, "unknown-service");
        await Expect.ProblemAsync(await client.GetAsync("/metrics/x"), 404, "not-found");
        await Expect.ProblemAsync(await client.DeleteAsync("/admin/tenants"), 404, "not-found");
        await Expect.ProblemAsync(await client.GetAsync("/"), 404, "not-found");
        await Expect.ProblemAsync(await client.GetAsync("/Upper/x"), 404, "unknown-service");
    }

    [Fact]
    public async Task Proxy_WithoutKey_Is401_AndNeverReachesDownstream()
    {
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var client = gateway.CreateClient();
        var before = downstream.Requests;

        await Expect.ProblemAsync(await client.GetAsync($"/{service}/x"), 401, "invalid-api-key");

        Assert.Equal(before, downstream.Requests);
    }

    [Fact]
    public async Task Proxy_OverLimit_Is429_AndNeverReachesDownstream()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/echo", limit: 2);
        await Expect.StatusAsync(await client.GetAsync($"/{service}/1"), 200);
        await Expect.StatusAsync(await client.GetAsync($"/{service}/2"), 200);
        var before = downstream.Requests;

        var response = await client.GetAsync($"/{service}/3");

        await Expect.ProblemAsync(response, 429, "rate-limited");
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Equal(before, downstream.Requests);
    }

    [Fact]
    public async Task Proxy_OutOfScope_Is403()
    {
        var tenant = await gateway.CreateTenantAsync();
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        var key = await gateway.CreateKeyAsync(tenant, scopes: ["other-service"]);
        using var client = gateway.CreateKeyClient(key);

        await Expect.ProblemAsync(await client.GetAsync($"/{service}/x"), 403, "out-of-scope");
    }

    [Fact]
    public async Task Proxy_DownstreamRefusesConnection_Is502()
    {
        var (client, service) = await SetUpAsync($"http://127.0.0.1:{Silo.TestKit.FreePort.Next()}");

        await Expect.ProblemAsync(await client.GetAsync($"/{service}/x"), 502, "upstream-failed");
    }

    [Fact]
    public async Task Proxy_DownstreamTooSlow_Is504_AfterServiceTimeout()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/hang", timeoutSeconds: 1);

        await Expect.ProblemAsync(await client.GetAsync($"/{service}"), 504, "upstream-timeout");
    }

    [Fact]
    public async Task Proxy_DownstreamErrorStatus_IsPassedThrough()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/status");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync($"/{service}/503")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/{service}/404")).StatusCode);
    }

    [Fact]
    public async Task Proxy_Redirect_IsReturned_NotFollowed()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/redirect");

        var response = await client.GetAsync($"/{service}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://127.0.0.1:1/elsewhere", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Proxy_LargeDownload_StreamsCompletely()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/download");

        using var response = await client.GetAsync($"/{service}/{20 * 1024 * 1024}", HttpCompletionOption.ResponseHeadersRead);
        await Expect.StatusAsync(response, 200);
        await using var stream = await response.Content.ReadAsStreamAsync();
        long total = 0;
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        Assert.Equal(20 * 1024 * 1024, total);
    }

    [Fact]
    public async Task Proxy_DownstreamBreaksMidBody_ClientSeesAFailure_NotATruncatedSuccess()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/break");

        downstream.ResetBreak();

        // Headers reached the client, so the gateway has committed to the response before the downstream breaks.
        using var response = await client.GetAsync($"/{service}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1_000_000, response.Content.Headers.ContentLength);
        downstream.BreakNow.SetResult();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Proxy_PathCannotEscapeTheEndpointHost()
    {
        var (client, service) = await SetUpAsync(downstream.BaseUrl + "/echo");

        var body = await Expect.JsonAsync(await client.GetAsync($"/{service}//evil.example/x"), 200);

        Assert.Equal("/echo//evil.example/x", body.GetProperty("path").GetString());
    }

    private async Task<(HttpClient Client, string Service)> SetUpAsync(string endpoint, long limit = 100, int timeoutSeconds = 10)
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("limit", limit, 60));
        var service = await gateway.CreateServiceAsync(endpoint, timeoutSeconds);
        return (gateway.CreateKeyClient(key), service);
    }

    internal static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
