using Silo.Grains.Telemetry;

namespace Silo.Api.Telemetry;

/// <summary>
/// One subject's last <see cref="TrafficHistory.Seconds"/> seconds on this front end: per second two counts
/// (admitted and limited, or attempts and failures) and, for a service, its attempts' latency histogram and the
/// circuit states it went through. Slots are reused as the seconds go round; a slot left from an earlier lap
/// reads as nothing.
/// </summary>
internal sealed class TrafficRing(bool service)
{
    private const int Length = TrafficHistory.Seconds;
    private readonly long[] _seconds = new long[Length];
    private readonly long[] _counts = new long[Length];
    private readonly long[] _refusals = new long[Length];
    private readonly int[] _latency = service ? new int[Length * LatencyBuckets.Count] : [];

    // The circuit's changes, oldest first (at most one per second kept): the state from each second on.
    private readonly List<(long Second, sbyte State)> _circuit = [];

    private readonly Lock _lock = new();

    /// <summary>The last second anything was recorded in.</summary>
    public long LastSecond { get; private set; }

    public void Add(long second, long counts, long refusals, int latencyBucket = -1)
    {
        var slot = (int)(second % Length);
        lock (_lock)
        {
            if (_seconds[slot] != second)
            {
                _seconds[slot] = second;
                _counts[slot] = 0;
                _refusals[slot] = 0;
                if (_latency.Length > 0)
                {
                    Array.Clear(_latency, slot * LatencyBuckets.Count, LatencyBuckets.Count);
                }
            }

            _counts[slot] += counts;
            _refusals[slot] += refusals;
            if (latencyBucket >= 0 && _latency.Length > 0)
            {
                _latency[(slot * LatencyBuckets.Count) + latencyBucket]++;
            }

            LastSecond = Math.Max(LastSecond, second);
        }
    }

    /// <summary>Notes the circuit state seen at <paramref name="second"/> (kept only when it changed).</summary>
    public void Circuit(long second, sbyte state)
    {
        lock (_lock)
        {
            if (_circuit.Count > 0 && _circuit[^1].State == state)
            {
                return;
            }

            if (_circuit.Count > 0 && _circuit[^1].Second == second)
            {
                _circuit[^1] = (second, Math.Max(_circuit[^1].State, state));
            }
            else
            {
                _circuit.Add((second, state));
            }

            // The window's oldest second needs the state before it: one change older than the window is kept.
            while (_circuit.Count > 1 && _circuit[1].Second <= second - Length)
            {
                _circuit.RemoveAt(0);
            }

            LastSecond = Math.Max(LastSecond, second);
        }
    }

    /// <summary>The <paramref name="seconds"/> seconds from <paramref name="first"/> on, as recorded here.</summary>
    public TrafficWindow Read(long first, int seconds)
    {
        var window = TrafficWindow.Empty(first, seconds, service);
        lock (_lock)
        {
            for (var i = 0; i < seconds; i++)
            {
                var second = first + i;
                var slot = (int)(second % Length);
                if (second >= 0 && _seconds[slot] == second)
                {
                    window.Counts[i] = _counts[slot];
                    window.Refusals[i] = _refusals[slot];
                    if (_latency.Length > 0)
                    {
                        Array.Copy(_latency, slot * LatencyBuckets.Count, window.Latency, i * LatencyBuckets.Count, LatencyBuckets.Count);
                    }
                }

                if (service)
                {
                    window.Circuit[i] = StateAt(second);
                }
            }
        }

        return window;
    }

    private sbyte StateAt(long second)
    {
        sbyte state = -1;
        foreach (var (from, s) in _circuit)
        {
            if (from > second)
            {
                break;
            }

            state = s;
        }

        return state;
    }
}
