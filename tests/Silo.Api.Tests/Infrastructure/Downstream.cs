using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Silo.TestKit;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>
/// A real downstream: a Kestrel app on a free loopback port that echoes, fails, hangs, redirects or streams
/// on request. Tests point services at <see cref="BaseUrl"/>.
/// </summary>
public sealed class Downstream : IAsyncLifetime
{
    private LoopbackApp? _app;

    public string BaseUrl { get; private set; } = string.Empty;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Completed by a test to make <c>/break</c> abort its half-sent response.</summary>
    public TaskCompletionSource BreakNow { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResetBreak() => BreakNow = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _requests;

    public async Task InitializeAsync()
    {
        _app = await LoopbackApp.StartAsync(app =>
        {
            app.Use((context, next) =>
            {
                Interlocked.Increment(ref _requests);
                return next(context);
            });
            app.UseWebSockets();
            app.Map("/ws", WebSocketEchoAsync);
            app.Map("/echo/{**path}", EchoAsync);
            app.Map("/status/{code:int}", (int code) => Results.StatusCode(code));
            app.Map("/hang", async (HttpContext context) =>
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            });
            app.Map("/cors", (HttpContext context) =>
            {
                // A downstream that answers CORS on its own, as generously as it can.
                var headers = context.Response.Headers;
                headers["Access-Control-Allow-Origin"] = "*";
                headers["Access-Control-Allow-Credentials"] = "true";
                headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE";
                headers["Access-Control-Allow-Headers"] = "*";
                headers["Access-Control-Expose-Headers"] = "X-Internal-Token";
                headers["Access-Control-Max-Age"] = "86400";
                return Results.Text("cors");
            });
            app.Map("/redirect", () => Results.Redirect("http://127.0.0.1:1/elsewhere"));
            app.Map("/download/{bytes:long}", async (HttpContext context, long bytes) =>
            {
                context.Response.ContentType = "application/octet-stream";
                var chunk = new byte[64 * 1024];
                for (long sent = 0; sent < bytes; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)), context.RequestAborted);
                }
            });
            app.Map("/break", async (HttpContext context) =>
            {
                context.Response.ContentLength = 1_000_000;
                await context.Response.Body.WriteAsync(new byte[1000], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await BreakNow.Task.WaitAsync(context.RequestAborted);
                context.Abort();
            });
        });
        BaseUrl = _app.BaseUrl;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>
    /// A WebSocket that echoes every message prefixed with <c>echo:</c>; a message <c>close:{code}</c> makes it
    /// close with that code. The upgrade request's headers come back in the first message.
    /// </summary>
    private static async Task WebSocketEchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var hello = JsonSerializer.Serialize(context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal));
        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(hello), System.Net.WebSockets.WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                await socket.CloseAsync(received.CloseStatus ?? System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, received.CloseStatusDescription, context.RequestAborted);
                return;
            }

            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count);
            if (text.StartsWith("close:", StringComparison.Ordinal))
            {
                await socket.CloseAsync((System.Net.WebSockets.WebSocketCloseStatus)int.Parse(text[6..], System.Globalization.CultureInfo.InvariantCulture), "asked to", context.RequestAborted);
                return;
            }

            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes("echo:" + text), System.Net.WebSockets.WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
        }
    }

    private static async Task EchoAsync(HttpContext context)
    {
        long received = 0;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            received += read;
        }

        context.Response.Headers["Connection-Test"] = "kept";
        context.Response.Headers["X-Downstream"] = "yes";
        await context.Response.WriteAsJsonAsync(new
        {
            method = context.Request.Method,
            path = context.Request.Path.Value,
            rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget,
            query = context.Request.QueryString.Value,
            bodyBytes = received,
            headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal),
        }, JsonSerializerOptions.Web);
    }
}
