using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

/// <summary>
/// A real Kestrel downstream for the forwarder's tests: fails once, counts creations, holds requests at a
/// gate, answers large bodies, echoes headers, and records every request it sees (path and count).
/// </summary>
public sealed class ScriptedDownstream : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private LoopbackApp? _app;
    private int _requests;

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Every request that reached this downstream.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests seen for one path.</summary>
    public int Hits(string path) => _hits.TryGetValue(path, out var n) ? n : 0;

    public Uri Url(string pathAndQuery) => new(BaseUrl + pathAndQuery, UriKind.Absolute);

    /// <summary>Lets requests held at <c>/gate/{id}</c> finish.</summary>
    public void Open(string id) => Gate(id).TrySetResult();

    public async Task InitializeAsync()
    {
        _app = await LoopbackApp.StartAsync(app =>
        {
            app.Use((context, next) =>
            {
                Interlocked.Increment(ref _requests);
                _hits.AddOrUpdate(context.Request.Path.Value ?? "/", 1, (_, n) => n + 1);
                return next(context);
            });
            app.Map("/echo/{**path}", EchoAsync);
            app.Map("/fail-once/{id}", (HttpContext context, string id) =>
                Hits(context.Request.Path.Value!) == 1 ? Results.StatusCode(503) : Results.Json(new { ok = true, id }));
            app.Map("/status/{code:int}", (int code) => Results.StatusCode(code));
            app.Map("/create/{id}", (HttpContext context, string id) =>
            {
                var n = Hits(context.Request.Path.Value!);
                context.Response.Headers["X-Created"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Json(new { id, n, nonce = Guid.NewGuid() }, statusCode: 201);
            });
            app.Map("/gate/{id}", async (string id, HttpContext context) =>
            {
                await Gate(id).Task.WaitAsync(context.RequestAborted);
                return Results.Json(new { id }, statusCode: 201);
            });
            app.Map("/bytes/{count:long}", async (HttpContext context, long count) =>
            {
                context.Response.ContentType = "application/octet-stream";
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'x');
                for (long sent = 0; sent < count; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, count - sent)), context.RequestAborted);
                }
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

    private TaskCompletionSource Gate(string id) =>
        _gates.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private static async Task EchoAsync(HttpContext context)
    {
        long received = 0;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            received += read;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            method = context.Request.Method,
            path = context.Request.Path.Value,
            bodyBytes = received,
            headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal),
        }, JsonSerializerOptions.Web);
    }
}
