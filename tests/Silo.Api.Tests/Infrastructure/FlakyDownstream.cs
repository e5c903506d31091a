using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Silo.TestKit;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>
/// A real downstream endpoint a test can tell to fail (500), hang, die (stop listening) and come back on the same
/// port, with a health path whose answer the test sets. Counts the requests it served outside <c>/health</c>.
/// </summary>
public sealed class FlakyDownstream : IAsyncDisposable
{
    private LoopbackApp? _app;
    private int _requests;
    private int _healthChecks;

    private FlakyDownstream()
    {
    }

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>0 to answer 200, otherwise the status to answer with; -1 to hang until the client gives up.</summary>
    public int Status { get; set; }

    /// <summary>What <c>/health</c> answers.</summary>
    public int HealthStatus { get; set; } = 200;

    public int Requests => Volatile.Read(ref _requests);

    public int HealthChecks => Volatile.Read(ref _healthChecks);

    public static async Task<FlakyDownstream> StartAsync()
    {
        var downstream = new FlakyDownstream();
        downstream._app = await LoopbackApp.StartAsync(downstream.Map);
        downstream.BaseUrl = downstream._app.BaseUrl;
        return downstream;
    }

    /// <summary>Stops listening: new connections are refused.</summary>
    public async Task DieAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again on the port it had (after <see cref="DieAsync"/>); returns once it accepts connections.</summary>
    public async Task ReviveAsync()
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The downstream is running.");
        }

        _app = await LoopbackApp.StartAsync(Map, port: new Uri(BaseUrl).Port);
    }

    public ValueTask DisposeAsync() => new(DieAsync());

    private void Map(WebApplication app)
    {
        app.Map("/health", () =>
        {
            Interlocked.Increment(ref _healthChecks);
            return Results.StatusCode(HealthStatus);
        });
        app.Map("/{**path}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _requests);
            switch (Status)
            {
                case 0:
                    await context.Response.WriteAsync(BaseUrl);
                    break;
                case -1:
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                    break;
                default:
                    context.Response.StatusCode = Status;
                    break;
            }
        });
    }
}
