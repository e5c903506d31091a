namespace Silo.Grains.RateLimiting;

/// <summary>
/// A sliding window approximated from two fixed windows (as Cloudflare and nginx do): the count of the
/// previous window weighs in by the part of it the sliding window still covers, so
/// <c>estimate = previous × (1 − elapsed fraction) + current</c>. Admits when <c>estimate + cost ≤ Limit</c>.
/// It never admits more than <c>Limit</c> in any window-long span that starts at a window boundary, and
/// smooths the burst a fixed window allows around its boundary.
/// </summary>
public sealed class SlidingWindow : WindowedCounter
{
    private long _previous;
    private long _current;

    public SlidingWindow(LimitDefinition definition, DateTimeOffset utcNow, long timestamp, long timestampFrequency)
        : base(definition, utcNow, timestamp, timestampFrequency)
    {
    }

    public override LimitOutcome TryAcquire(long cost, long timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 0);
        var now = Roll(timestamp);
        var estimate = Estimate(now);
        if (estimate + cost <= Definition.Limit)
        {
            _current += cost;
            return Outcome(now, allowed: true, TimeSpan.Zero);
        }

        return Outcome(now, allowed: false, RetryAfter(now, cost));
    }

    public override void Refund(long cost, long timestamp)
    {
        Roll(timestamp);
        _current = Math.Max(0, _current - cost);
    }

    public override LimitOutcome Peek(long timestamp) => Outcome(Roll(timestamp), allowed: true, TimeSpan.Zero);

    public override WindowCheckpoint Checkpoint(long timestamp)
    {
        Roll(timestamp);
        return CheckpointOf(_current, _previous);
    }

    public override void Restore(WindowCheckpoint checkpoint, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Roll(timestamp);
        if (checkpoint.WindowStart == WindowStart)
        {
            _current = checkpoint.Current;
            _previous = checkpoint.Previous;
            RestoredFrom(checkpoint);
        }
        else if (checkpoint.WindowStart + Length == WindowStart)
        {
            // Stored during the window before this one: its count is now the previous window's.
            _previous = checkpoint.Current;
        }
    }

    private DateTimeOffset Roll(long timestamp)
    {
        var now = Clock.UtcAt(timestamp);
        if (now >= WindowEnd)
        {
            var (start, end) = Clock.Window(timestamp, Definition);
            // The window just ended becomes the previous one; a longer gap leaves nothing to carry.
            _previous = start == WindowEnd ? _current : 0;
            _current = 0;
            (WindowStart, WindowEnd) = (start, end);
        }

        return now < WindowStart ? WindowStart : now;
    }

    private double Fraction(DateTimeOffset now) => (now - WindowStart) / Length;

    private double Estimate(DateTimeOffset now) => (_previous * (1 - Fraction(now))) + _current;

    /// <summary>The wait after which <paramref name="cost"/> fits, assuming no other traffic.</summary>
    private TimeSpan RetryAfter(DateTimeOffset now, long cost)
    {
        var limit = (double)Definition.Limit;
        if (cost > limit)
        {
            return Length;
        }

        // Within this window the previous count fades linearly.
        if (_current + cost <= limit && _previous > 0)
        {
            var fraction = 1 - ((limit - cost - _current) / _previous);
            return TimeSpan.FromTicks((long)Math.Ceiling((fraction - Fraction(now)) * Length.Ticks));
        }

        // Otherwise in the next window, where this window's count fades instead.
        var next = _current == 0 ? 0 : Math.Max(0, 1 - ((limit - cost) / _current));
        return (WindowEnd - now) + TimeSpan.FromTicks((long)Math.Ceiling(next * Length.Ticks));
    }

    private LimitOutcome Outcome(DateTimeOffset now, bool allowed, TimeSpan retryAfter)
    {
        var estimate = Estimate(now);
        var remaining = Math.Max(0, (long)Math.Floor(Definition.Limit - estimate));
        var reset = estimate <= 0 ? TimeSpan.Zero : (_current > 0 ? WindowEnd - now + Length : WindowEnd - now);
        return new LimitOutcome(Definition, allowed, remaining, reset, retryAfter);
    }
}
