using Silo.Runtime.Timers;

namespace Silo.Runtime.Activation;

internal sealed partial class ActivationData
{
    private readonly List<GrainTimer> _timers = [];

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        if (_state is ActivationState.Deactivating or ActivationState.Invalid)
        {
            throw new InvalidOperationException($"Cannot register a timer on {GrainId}: it is deactivating.");
        }

        var timer = new GrainTimer(this, _context.Time, callback, dueTime, period);
        lock (_timers)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    internal void OnTimerDisposed(GrainTimer timer)
    {
        lock (_timers)
        {
            _timers.Remove(timer);
        }
    }

    internal void OnTimerFailed(Exception exception) => Log.TimerFailed(_context.Logger, exception, GrainId);

    private void DisposeTimers()
    {
        GrainTimer[] timers;
        lock (_timers)
        {
            timers = [.. _timers];
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }
}
