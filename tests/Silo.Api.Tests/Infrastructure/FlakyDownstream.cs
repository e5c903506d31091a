using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Silo.TestKit;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>
/// A real downstream endpoint a test can tell to fail (500), hang, or die (stop listening), with a health path
/// whose answer the test sets. Counts the requests it served outside <c>/health</c>.
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
        downstream._app = await LoopbackApp.StartAsync(app =>
        {
            app.Map("/health", () =>
            {
                Interlocked.Increment(ref downstream._healthChecks);
                return Results.StatusCode(downstream.HealthStatus);
            });
            app.Map("/{**path}", async (HttpContext context) =>
            {
                Interlocked.Increment(ref downstream._requests);
                switch (downstream.Status)
                {
                    case 0:
                        await context.Response.WriteAsync(downstream.BaseUrl);
                        break;
                    case -1:
                        await Task.Delay(Timeout.Infinite, context.RequestAborted);
                        break;
                    default:
                        context.Response.StatusCode = downstream.Status;
                        break;
                }
            });
        });
        downstream.BaseUrl = downstream._app.BaseUrl;
        return downstream;
    }

    /// <summary>Stops listening: new connections are refused.</summary>
    public async Task DieAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(DieAsync());
}
