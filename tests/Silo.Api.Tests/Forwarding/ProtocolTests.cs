using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

/// <summary>What the forwarder carries besides plain HTTP/1.1 exchanges: WebSockets, HTTP/2 to the downstream, trailers.</summary>
public sealed class ProtocolTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task WebSocket_ThroughTheGateway_CarriesMessagesBothWaysAndCloseCodes_ForOneAdmission()
    {
        var (key, keyId, service) = await KeyAndServiceAsync(downstream.BaseUrl);
        using var socket = await ConnectAsync(service, key);

        // The downstream's first message lists the upgrade request's headers as it received them.
        var seen = JsonDocument.Parse(await ReceiveAsync(socket)).RootElement;
        Assert.False(seen.TryGetProperty("x-api-key", out _));
        Assert.Equal("127.0.0.1", seen.GetProperty("x-forwarded-for").GetString());
        Assert.True(seen.TryGetProperty("x-request-id", out _));

        for (var i = 0; i < 5; i++)
        {
            await SendAsync(socket, $"message {i} " + new string('x', i * 10_000));
            Assert.Equal($"echo:message {i} " + new string('x', i * 10_000), await ReceiveAsync(socket));
        }

        await SendAsync(socket, "close:4001");
        var closing = await socket.ReceiveAsync(new byte[16], CancellationToken.None).Bounded();
        Assert.Equal(WebSocketMessageType.Close, closing.MessageType);
        Assert.Equal((WebSocketCloseStatus)4001, socket.CloseStatus);

        // Admission counted the upgrade request once, not the messages.
        Assert.Equal(99, await RemainingAsync(keyId));
    }

    [Fact]
    public async Task WebSocket_ClosedByTheClient_PassesItsCodeToTheDownstream_AndARevokedKeyIsRefusedAtTheUpgrade()
    {
        var (key, keyId, service) = await KeyAndServiceAsync(downstream.BaseUrl);
        using (var socket = await ConnectAsync(service, key))
        {
            await ReceiveAsync(socket);
            await socket.CloseAsync((WebSocketCloseStatus)4100, "done", CancellationToken.None).Bounded();
            Assert.Equal((WebSocketCloseStatus)4100, socket.CloseStatus);
        }

        using var admin = gateway.CreateAdminClient();
        await Expect.StatusAsync(await admin.PostAsync($"/admin/keys/{keyId}/revoke", null), 204);
        using var refused = new ClientWebSocket();
        refused.Options.SetRequestHeader("X-Api-Key", key);
        refused.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(Url(service, "ws"), CancellationToken.None).WaitAsync(Await.Default));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);
    }

    [Fact]
    public async Task HttpVersion_OtherThanTheThreeKnown_IsRefused()
    {
        using var admin = gateway.CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/admin/services", new { id = GatewayFactory.NewId("s"), endpoints = new[] { new { url = downstream.BaseUrl, weight = 1 } }, httpVersion = "3" });
        await Expect.ProblemAsync(response, 400, "invalid-json");
    }

    private async Task<(string Key, string KeyId, string Service)> KeyAndServiceAsync(string endpointUrl)
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, new[] { new { name = "hourly", algorithm = "fixed-window", limit = 100, windowSeconds = 3600 } });
        var service = await gateway.CreateServiceAsync(endpointUrl);
        return (key, key.Substring(3, 12), service);
    }

    private async Task<ClientWebSocket> ConnectAsync(string service, string key)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", key);
        await socket.ConnectAsync(Url(service, "ws"), CancellationToken.None).WaitAsync(Await.Default);
        return socket;
    }

    private Uri Url(string service, string path) =>
        new($"ws://{gateway.ClientOptions.BaseAddress!.Authority}/{service}/{path}");

    private async Task<long> RemainingAsync(string keyId)
    {
        using var admin = gateway.CreateAdminClient();
        var key = await admin.GetFromJsonAsync<JsonElement>($"/admin/keys/{keyId}");
        return key.GetProperty("usage").EnumerateArray().Single().GetProperty("remaining").GetInt64();
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).WaitAsync(Await.Default);

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[128 * 1024];
        var length = 0;
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).AsTask().WaitAsync(Await.Default);
            length += received.Count;
            if (received.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer, 0, length);
            }
        }
    }
}
