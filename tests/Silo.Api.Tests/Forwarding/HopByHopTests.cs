using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Forwarding;

/// <summary>Headers a <c>Connection</c> header names are hop-by-hop (RFC 9110 §7.6.1), as far as the server lets the gateway see them.</summary>
public sealed class HopByHopTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    /// <summary>
    /// Pins what Kestrel does, which no application code can undo: when <c>Connection</c> also says <c>close</c>
    /// (or <c>keep-alive</c>, or <c>Upgrade</c>), Kestrel hands the application that option alone and the other
    /// tokens are lost, so the header they named is forwarded as an end-to-end header. (Without such an option the
    /// named header is dropped: <c>ProxyTests</c>.) The gateway's own headers are set whatever the client named:
    /// <c>X-Forwarded-For</c> is written by the gateway and the key is always removed.
    /// </summary>
    [Theory]
    [InlineData("close, X-Hop")]
    [InlineData("X-Hop, close")]
    public async Task WithAConnectionOption_KestrelHidesTheOtherTokens_SoTheNamedHeaderIsForwarded(string connection)
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl + "/echo");

        var response = await RawHttp.ExchangeUntilClosedAsync(
            gateway.ClientOptions.BaseAddress!,
            $"GET /{service}/h HTTP/1.1\r\nHost: gw\r\nX-Api-Key: {key}\r\nConnection: {connection}, X-Forwarded-For, X-Api-Key\r\nX-Hop: named\r\nX-Kept: passes\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        var headers = Body(response).GetProperty("headers");
        Assert.Equal("named", headers.GetProperty("x-hop").GetString());
        Assert.Equal("passes", headers.GetProperty("x-kept").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
        Assert.False(headers.TryGetProperty("x-api-key", out _));
    }

    /// <summary>The body of a response read to the connection's close, chunked or not.</summary>
    private static JsonElement Body(string response)
    {
        var head = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = response[(head + 4)..];
        if (response[..head].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            var text = new System.Text.StringBuilder();
            while (true)
            {
                var line = body.IndexOf("\r\n", StringComparison.Ordinal);
                var size = Convert.ToInt32(body[..line], 16);
                if (size == 0)
                {
                    break;
                }

                text.Append(body, line + 2, size);
                body = body[(line + 2 + size + 2)..];
            }

            body = text.ToString();
        }

        return JsonDocument.Parse(body).RootElement;
    }
}
