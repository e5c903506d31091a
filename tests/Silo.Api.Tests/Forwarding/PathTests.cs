using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Forwarding;

/// <summary>
/// The downstream receives exactly the path that was authorised, below the endpoint's base path: the gateway never
/// decodes it twice, passes the client's encoding through, and refuses dot segments in any encoding.
/// </summary>
public sealed class PathTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    [Theory]
    [InlineData("/%252e%252e/secret")]
    [InlineData("/%252E%252E/%252e%252e/secret")]
    [InlineData("/a/%2e%2e/%2e%2e/%2e%2e/secret")]
    [InlineData("/a/.%2e/secret")]
    [InlineData("/a/%2e./secret")]
    [InlineData("/a/%25%32%65%25%32%65/secret")]
    [InlineData("/%2e/secret")]
    public async Task DotSegments_InAnyEncoding_AreNeverForwarded(string suffix)
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl + "/echo/base");
        var before = downstream.Requests;

        var response = await RawHttp.ExchangeUntilClosedAsync(gateway.ClientOptions.BaseAddress!, $"GET /{service}{suffix} HTTP/1.1\r\nHost: gw\r\nX-Api-Key: {key}\r\nConnection: close\r\n\r\n");

        // Refused as a dot segment, or (where the server already resolved it above the service) not this service's.
        Assert.Matches("^HTTP/1.1 (400|404)", response);
        Assert.Matches("urn:silo:problem:(invalid-path|unknown-service|not-found)", response);
        Assert.Equal(before, downstream.Requests);
    }

    [Theory]
    [InlineData("/a%2Fb/c%25d?x=%2F", "/echo/base/a%2Fb/c%25d?x=%2F")]
    [InlineData("/%2561/b", "/echo/base/%2561/b")]
    [InlineData("/..%2f..%2fsecret", "/echo/base/..%2f..%2fsecret")]
    [InlineData("/caf%C3%A9/x%20y", "/echo/base/caf%C3%A9/x%20y")]
    [InlineData("", "/echo/base")]
    public async Task ThePath_IsPassedOnAsTheClientEncodedIt_BelowTheBasePath(string suffix, string expected)
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl + "/echo/base");

        // Sent as written: System.Uri would otherwise unescape and resolve the path before it leaves.
        using var client = gateway.CreateKeyClient(key);
        var target = new Uri(gateway.ClientOptions.BaseAddress + service + suffix, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        var body = await Expect.JsonAsync(await client.GetAsync(target), 200);
        Assert.Equal(expected, body.GetProperty("rawTarget").GetString());
    }
}
