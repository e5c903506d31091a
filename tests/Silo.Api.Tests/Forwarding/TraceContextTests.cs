using System.Text.Json;
using System.Text.RegularExpressions;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Forwarding;

[Collection(ForwardingCollection.Name)]
public sealed partial class TraceContextTests(ForwardingGatewayFactory gateway, DownstreamPair downstreams)
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string Incoming = "00-" + TraceId + "-b7ad6b7169203331-01";

    [Fact]
    public async Task Proxy_ValidTraceparent_KeepsTheTrace_WithANewParentId_AndKeepsTracestate()
    {
        var headers = await EchoAsync(("traceparent", Incoming), ("tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"));

        var sent = headers.GetProperty("traceparent").GetString()!;
        Assert.Matches(ValidTraceparent(), sent);
        Assert.StartsWith("00-" + TraceId + "-", sent, StringComparison.Ordinal);
        Assert.NotEqual("b7ad6b7169203331", sent[36..52]);
        Assert.EndsWith("-01", sent, StringComparison.Ordinal);
        Assert.Equal("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", headers.GetProperty("tracestate").GetString());
    }

    [Fact]
    public async Task Proxy_EveryHop_GetsItsOwnParentId()
    {
        var first = (await EchoAsync(("traceparent", Incoming))).GetProperty("traceparent").GetString()!;
        var second = (await EchoAsync(("traceparent", Incoming))).GetProperty("traceparent").GetString()!;

        Assert.Equal(first[..35], second[..35]);
        Assert.NotEqual(first[36..52], second[36..52]);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")]
    public async Task Proxy_InvalidTraceparent_StartsANewTrace_WithoutTracestate(string invalid)
    {
        var headers = await EchoAsync(("traceparent", invalid), ("tracestate", "congo=t61rcWkgMzE"));

        var sent = headers.GetProperty("traceparent").GetString()!;
        Assert.Matches(ValidTraceparent(), sent);
        Assert.DoesNotContain(TraceId, sent, StringComparison.Ordinal);
        Assert.EndsWith("-01", sent, StringComparison.Ordinal);
        Assert.False(headers.TryGetProperty("tracestate", out _));
    }

    [Fact]
    public async Task Proxy_NoTraceparent_StartsANewTrace()
    {
        var headers = await EchoAsync();

        Assert.Matches(ValidTraceparent(), headers.GetProperty("traceparent").GetString()!);
    }

    [Fact]
    public async Task Proxy_TwoTraceparents_StartANewTrace()
    {
        var headers = await EchoAsync(("traceparent", Incoming), ("traceparent", "00-11111111111111111111111111111111-2222222222222222-01"));

        var sent = headers.GetProperty("traceparent").GetString()!;
        Assert.Matches(ValidTraceparent(), sent);
        Assert.DoesNotContain(TraceId, sent, StringComparison.Ordinal);
        Assert.DoesNotContain("11111111111111111111111111111111", sent, StringComparison.Ordinal);
    }

    private async Task<JsonElement> EchoAsync(params (string Name, string Value)[] headers)
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstreams.Primary.BaseUrl + "/echo");
        using var client = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/trace");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var body = await Expect.JsonAsync(await client.SendAsync(request), 200);
        return body.GetProperty("headers").Clone();
    }

    [GeneratedRegex("^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex ValidTraceparent();
}
