using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Forwarding;

/// <summary>Nothing in a request can make the gateway connect anywhere but the service's registered endpoint.</summary>
[Collection(ForwardingCollection.Name)]
public sealed class TargetPinningTests(ForwardingGatewayFactory gateway, DownstreamPair downstreams)
{
    private ScriptedDownstream Endpoint => downstreams.Primary;

    private ScriptedDownstream Decoy => downstreams.Decoy;

    [Fact]
    public async Task AbsoluteFormTarget_NamingAnotherHost_StillGoesToTheEndpoint()
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, Endpoint.BaseUrl + "/echo");
        var decoy = new Uri(Decoy.BaseUrl).Authority;
        var before = Decoy.Requests;

        var status = await RawHttp.SendAsync(gateway.ClientOptions.BaseAddress,
            $"GET http://{decoy}/{service}/absolute HTTP/1.1\r\nHost: {decoy}\r\nX-Api-Key: {key}\r\nConnection: close\r\n\r\n");

        Assert.Equal(200, status);
        Assert.Equal(1, Endpoint.Hits("/echo/absolute"));
        Assert.Equal(before, Decoy.Requests);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://169.254.169.254/{service}/latest")]
    [InlineData("http://169.254.169.254:80/{service}//169.254.169.254/latest")]
    public async Task AbsoluteFormTarget_ToMetadataAddress_IsProxiedToTheEndpointOrRefused(string target)
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, Endpoint.BaseUrl + "/echo");
        var before = Endpoint.Requests;
        var uri = new Uri(target.Replace("{service}", service, StringComparison.Ordinal));

        var status = await RawHttp.SendAsync(gateway.ClientOptions.BaseAddress,
            $"GET {uri.OriginalString} HTTP/1.1\r\nHost: {uri.Authority}\r\nX-Api-Key: {key}\r\nConnection: close\r\n\r\n");

        // Either the path names the service (the endpoint answers) or it does not (the gateway answers 4xx);
        // the gateway never connects to the named host (a connect attempt to it would be a 502 or 504).
        if (uri.AbsolutePath.StartsWith("/" + service + "/", StringComparison.Ordinal))
        {
            Assert.Equal(200, status);
            Assert.Equal(before + 1, Endpoint.Requests);
        }
        else
        {
            Assert.InRange(status, 400, 499);
            Assert.Equal(before, Endpoint.Requests);
        }
    }

    [Fact]
    public async Task HostAndForwardedHeaders_CannotChangeTheTarget()
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, Endpoint.BaseUrl + "/echo");
        var decoy = new Uri(Decoy.BaseUrl).Authority;
        var before = Decoy.Requests;
        using var client = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/headers");
        request.Headers.Host = decoy;
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", decoy);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "169.254.169.254");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("Forwarded", $"host={decoy}");

        var body = await Expect.JsonAsync(await client.SendAsync(request), 200);

        var headers = body.GetProperty("headers");
        Assert.Equal(new Uri(Endpoint.BaseUrl).Authority, headers.GetProperty("host").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("http", headers.GetProperty("x-forwarded-proto").GetString());
        Assert.Equal(before, Decoy.Requests);
    }
}
