using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Silo.TestKit;

/// <summary>
/// A small real Kestrel app on a free loopback port, for tests that need a downstream: the caller maps its
/// routes. No request body limit (streaming tests send 100 MB). Disposing stops it; disposing twice is fine.
/// </summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private WebApplication? _app;

    private LoopbackApp(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary><c>http://127.0.0.1:{port}</c>, without a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <param name="map">Maps the app's routes.</param>
    /// <param name="protocols">What the port speaks; HTTP/1.1 when not given (<c>Http2</c> alone: h2c with prior knowledge).</param>
    /// <param name="port">
    /// The port to listen on; a free one when not given. A test that stops a downstream and starts it again passes
    /// the port it had, so the endpoint registered with the gateway comes back at the same URL.
    /// </param>
    public static async Task<LoopbackApp> StartAsync(Action<WebApplication> map, Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols? protocols = null, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        port ??= FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = null;
            if (protocols is { } chosen)
            {
                o.ConfigureEndpointDefaults(listen => listen.Protocols = chosen);
            }
        });
        var app = builder.Build();
        map(app);
        await app.StartAsync().Bounded();
        return new LoopbackApp(app, $"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
