using System.Collections.Concurrent;
using System.Diagnostics;

namespace Silo.Cluster.Tests;

/// <summary>
/// A few workers sending <c>POST /v1/check</c> for a set of keys through one front end, one request at a time
/// each, until stopped; every answer is recorded with how long it took and when it came (0 = no HTTP answer).
/// </summary>
internal sealed class SteadyLoad
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _workers;

    private SteadyLoad(FrontEndProcess frontEnd, string[] keys, int workers)
    {
        _workers = Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; !_stop.IsCancellationRequested; i += workers)
            {
                var key = keys[i % keys.Length];
                var started = _clock.Elapsed;
                int status;
                try
                {
                    status = await frontEnd.CheckAsync(key);
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                Results.Add(new Answer(key, status, _clock.Elapsed - started, _clock.Elapsed));
            }
        })));
    }

    public ConcurrentBag<Answer> Results { get; } = [];

    /// <summary>Time since the load started (the clock of <see cref="Answer.At"/>).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public static SteadyLoad Start(FrontEndProcess frontEnd, string[] keys, int workers = 4) => new(frontEnd, keys, workers);

    /// <summary>Waits until <paramref name="more"/> answers beyond the current count have come.</summary>
    public Task RunsOnAsync(int more, string because)
    {
        var target = Results.Count + more;
        return Silo.TestKit.Await.UntilAsync(() => Results.Count >= target, because);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _workers;
        _stop.Dispose();
    }

    public readonly record struct Answer(string Key, int Status, TimeSpan Took, TimeSpan At);
}
