namespace Silo.Api.Forwarding;

/// <summary>
/// Bounds retries to a share of the traffic, as Linkerd's and Envoy's retry budgets do, so retries cannot
/// multiply the load on a downstream that is already failing (a retry storm). Over a sliding
/// <see cref="Window"/> the retries may be at most <see cref="Ratio"/> × the requests seen plus a reserve of
/// <see cref="MinRetriesPerSecond"/> × the window's seconds, which lets low traffic retry at all.
/// Original requests deposit (<see cref="RecordRequest"/>); retries withdraw (<see cref="TryWithdraw"/>) and
/// do not deposit. Thread-safe; one instance is meant to be shared by every request to one service.
/// </summary>
public sealed class RetryBudget
{
    /// <summary>The default <see cref="Ratio"/>: 0.2, retries may add 20% to the load.</summary>
    public const double DefaultRatio = 0.2;

    /// <summary>The default <see cref="MinRetriesPerSecond"/>: 10.</summary>
    public const int DefaultMinRetriesPerSecond = 10;

    /// <summary>The window is kept as this many buckets; it slides by one bucket at a time.</summary>
    private const int Buckets = 10;

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long _bucketTicks;
    private readonly long[] _requests = new long[Buckets];
    private readonly long[] _retries = new long[Buckets];
    private readonly Lock _lock = new();
    private long _currentBucket;

    /// <param name="timeProvider">The clock of the window.</param>
    /// <param name="ratio">Retries allowed per request seen, 0 to 1000. The default value is 0.2.</param>
    /// <param name="minRetriesPerSecond">Retries allowed per second regardless of traffic, 0 or more. The default value is 10.</param>
    /// <param name="window">How far back requests and retries count, at least 10 ms. The default value is 10 seconds.</param>
    public RetryBudget(TimeProvider timeProvider, double ratio = DefaultRatio, int minRetriesPerSecond = DefaultMinRetriesPerSecond, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!double.IsFinite(ratio) || ratio is < 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The ratio must be between 0 and 1000.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(minRetriesPerSecond);
        var span = window ?? TimeSpan.FromSeconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.FromMilliseconds(10), nameof(window));
        _time = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _bucketTicks = span.Ticks / Buckets;
        Ratio = ratio;
        MinRetriesPerSecond = minRetriesPerSecond;
        Window = span;
    }

    /// <summary>Retries allowed per original request in the window.</summary>
    public double Ratio { get; }

    /// <summary>Retries allowed per second of the window even without traffic.</summary>
    public int MinRetriesPerSecond { get; }

    /// <summary>How far back requests and retries count.</summary>
    public TimeSpan Window { get; }

    /// <summary>Counts one original request (not a retry).</summary>
    public void RecordRequest()
    {
        lock (_lock)
        {
            _requests[Slide()]++;
        }
    }

    /// <summary>Takes one retry from the budget; false (and nothing taken) when the window has none left.</summary>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            var slot = Slide();
            if (AvailableLocked() < 1)
            {
                return false;
            }

            _retries[slot]++;
            return true;
        }
    }

    /// <summary>Whole retries left in the current window.</summary>
    public long Available
    {
        get
        {
            lock (_lock)
            {
                Slide();
                return (long)Math.Max(0, Math.Floor(AvailableLocked()));
            }
        }
    }

    private double AvailableLocked()
    {
        long requests = 0, retries = 0;
        for (var i = 0; i < Buckets; i++)
        {
            requests += _requests[i];
            retries += _retries[i];
        }

        // A hair of tolerance so 0.2 × 5 requests is one whole retry despite binary fractions.
        return (Ratio * requests) + (MinRetriesPerSecond * Window.TotalSeconds) - retries + 1e-9;
    }

    /// <summary>Moves the window to now, clearing buckets that fell out of it; returns the current bucket's slot.</summary>
    private int Slide()
    {
        var bucket = _time.GetElapsedTime(_origin).Ticks / _bucketTicks;
        if (bucket > _currentBucket)
        {
            var stale = Math.Min(bucket - _currentBucket, Buckets);
            for (long b = bucket - stale + 1; b <= bucket; b++)
            {
                var slot = (int)(b % Buckets);
                _requests[slot] = 0;
                _retries[slot] = 0;
            }

            _currentBucket = bucket;
        }

        return (int)(bucket % Buckets);
    }
}
