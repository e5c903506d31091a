using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Silo.Runtime.Hosting;

namespace Silo.Runtime;

/// <summary>
/// Fails calls that outlive their timeout with <see cref="TimeoutException"/>. Only calls that did not
/// complete synchronously are tracked; a periodic sweep (driven by the injected <see cref="TimeProvider"/>)
/// checks deadlines, so a call costs no timer of its own.
/// </summary>
internal sealed class CallTimeoutMonitor : IDisposable
{
    private readonly ConcurrentDictionary<GrainRequest, byte> _pending = new(ReferenceEqualityComparer.Instance);
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;
    private readonly long _timeoutTicks;

    public CallTimeoutMonitor(TimeProvider time, IOptions<SiloRuntimeOptions> options)
    {
        _time = time;
        var timeout = options.Value.CallTimeout;
        _timeoutTicks = (long)(timeout.TotalSeconds * time.TimestampFrequency);
        var interval = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _sweep = time.CreateTimer(static s => ((CallTimeoutMonitor)s!).Sweep(), this, interval, interval);
    }

    public int PendingCount => _pending.Count;

    /// <summary>Arms the timeout of a call that is still running.</summary>
    public void Track(GrainRequest request)
    {
        request.TimeoutTimestamp = _time.GetTimestamp() + _timeoutTicks;
        request.TimeoutMonitor = this;
        _pending.TryAdd(request, 0);
        if (request.IsCompleted)
        {
            // Completed between the check and the add: its OnCompleted may have run before TimeoutMonitor was set.
            _pending.TryRemove(request, out _);
        }
    }

    public void Remove(GrainRequest request) => _pending.TryRemove(request, out _);

    public void Dispose() => _sweep.Dispose();

    private void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var request in _pending.Keys)
        {
            if (now >= request.TimeoutTimestamp)
            {
                request.TrySetException(new TimeoutException(
                    $"Call to {request.InterfaceName}.{request.MethodName} did not complete within {TimeSpan.FromSeconds((double)_timeoutTicks / _time.TimestampFrequency)}."));
                _pending.TryRemove(request, out _);
            }
        }
    }
}
