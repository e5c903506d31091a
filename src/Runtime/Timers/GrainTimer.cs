using Silo.Runtime.Activation;

namespace Silo.Runtime.Timers;

/// <summary>
/// A grain timer. When it fires it queues itself as a turn of its activation; the next tick is armed only
/// after the callback completes, so ticks never overlap each other or a call.
/// </summary>
internal sealed class GrainTimer : WorkItem, IDisposable
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeSpan _period;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();

    public GrainTimer(ActivationData activation, TimeProvider time, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        _activation = activation;
        _callback = callback;
        _period = period;
        _timer = time.CreateTimer(static state => ((GrainTimer)state!).OnFired(), this, dueTime, Timeout.InfiniteTimeSpan);
    }

    internal override bool IsActivationBound => true;

    public void Dispose()
    {
        if (!_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            _timer.Dispose();
            _activation.OnTimerDisposed(this);
        }
    }

    internal override async ValueTask ExecuteAsync(ActivationData activation)
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await _callback(_disposed.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_disposed.IsCancellationRequested)
        {
            activation.OnTimerFailed(ex);
        }
        catch (OperationCanceledException)
        {
            // Disposed while running.
        }

        if (!_disposed.IsCancellationRequested && _period != Timeout.InfiniteTimeSpan)
        {
            _timer.Change(_period, Timeout.InfiniteTimeSpan);
        }
    }

    internal override void Fail(Exception exception)
    {
    }

    private void OnFired()
    {
        if (!_disposed.IsCancellationRequested)
        {
            _activation.Enqueue(this, runInline: false);
        }
    }
}
