using System.Net.Http.Json;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

/// <summary>
/// A client's broken request is the client's: answered 4xx by the gateway and never counted against the
/// downstream — one tenant's bad requests cannot open a service's circuit for every tenant.
/// </summary>
public sealed class ClientFaultTests(EdgeGatewayFactory gateway, Downstream downstream) : IClassFixture<EdgeGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task MalformedChunkedBody_Is400_NotABadGateway()
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl + "/echo");
        var response = await RawAsync(Post(service, key, "Transfer-Encoding: chunked\r\n", "ZZ\r\nnot a chunk\r\n"));
        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("urn:silo:problem:invalid-request-body", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Is413()
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl + "/echo");
        var chunk = new string('a', 1024);
        var body = string.Concat(Enumerable.Repeat($"400\r\n{chunk}\r\n", 3)) + "0\r\n\r\n";
        var response = await RawAsync(Post(service, key, "Transfer-Encoding: chunked\r\n", body));
        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.Contains("urn:silo:problem:payload-too-large", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonAsciiHeaderValue_Is400_NamingTheHeader()
    {
        // "café" in UTF-8, which the server reads as text; the forwarder could only fail on it.
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl + "/echo");
        var response = await RawAsync($"GET /{service}/x HTTP/1.1\r\nHost: gw\r\nX-Api-Key: {key}\r\nX-Name: caf\u00c3\u00a9\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("urn:silo:problem:invalid-header", response, StringComparison.Ordinal);
        Assert.Contains("X-Name", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_Is405()
    {
        var response = await RawAsync("CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 405", response, StringComparison.Ordinal);
        Assert.Contains("urn:silo:problem:method-not-allowed", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneTenantsBadRequests_LeaveTheCircuitClosed_AndAnotherTenantServed()
    {
        var (badKey, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl);
        var goodTenant = await gateway.CreateTenantAsync();
        var goodKey = await gateway.CreateKeyAsync(goodTenant);

        // Thirty broken requests of three kinds, far more than the breaker's threshold of failures.
        for (var i = 0; i < 10; i++)
        {
            await RawAsync(Post(service, badKey, "Transfer-Encoding: chunked\r\n", "ZZ\r\nnot a chunk\r\n", "/echo/x"));
            await RawAsync($"GET /{service}/echo/x HTTP/1.1\r\nHost: gw\r\nX-Api-Key: {badKey}\r\nX-Name: caf\u00c3\u00a9\r\nConnection: close\r\n\r\n");
            await RawAsync(Post(service, badKey, "Transfer-Encoding: chunked\r\n", string.Concat(Enumerable.Repeat($"400\r\n{new string('a', 1024)}\r\n", 3)) + "0\r\n\r\n", "/echo/x"));
        }

        // One real downstream failure, then wait for it to show in the breaker's window: the reports are flushed,
        // and that one failure is all they hold.
        using var bad = gateway.CreateKeyClient(badKey);
        await Expect.StatusAsync(await bad.GetAsync($"/{service}/status/500"), 500);
        using var admin = gateway.CreateAdminClient();
        JsonElement circuit = default;
        await Await.UntilAsync(
            async () => (circuit = (await admin.GetFromJsonAsync<JsonElement>($"/admin/services/{service}")).GetProperty("circuit")).GetProperty("failures").GetInt64() > 0,
            "the real failure reaches the breaker's window");
        Assert.Equal(1, circuit.GetProperty("failures").GetInt64());
        Assert.Equal("closed", circuit.GetProperty("state").GetString());

        using var good = gateway.CreateKeyClient(goodKey);
        for (var i = 0; i < 5; i++)
        {
            await Expect.StatusAsync(await good.GetAsync($"/{service}/echo/fine"), 200);
        }
    }

    private static string Post(string service, string key, string framing, string body, string path = "/x") =>
        $"POST /{service}{path} HTTP/1.1\r\nHost: gw\r\nX-Api-Key: {key}\r\nContent-Type: text/plain\r\n{framing}Connection: close\r\n\r\n{body}";

    private Task<string> RawAsync(string request) => RawHttp.ExchangeUntilClosedAsync(gateway.ClientOptions.BaseAddress!, request);
}
