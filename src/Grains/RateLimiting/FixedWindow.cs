namespace Silo.Grains.RateLimiting;

/// <summary>
/// At most <c>Limit</c> units per window; windows follow each other without overlap, aligned to the Unix
/// epoch (or to UTC days or months). Simple and exact, but a client can spend two windows' worth around a
/// boundary; <see cref="SlidingWindow"/> smooths that.
/// </summary>
public sealed class FixedWindow : WindowedCounter
{
    private long _count;

    public FixedWindow(LimitDefinition definition, DateTimeOffset utcNow, long timestamp, long timestampFrequency)
        : base(definition, utcNow, timestamp, timestampFrequency)
    {
    }

    public override LimitOutcome TryAcquire(long cost, long timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 0);
        var now = Roll(timestamp);
        if (_count + cost <= Definition.Limit)
        {
            _count += cost;
            return Outcome(now, allowed: true, TimeSpan.Zero);
        }

        // Waiting for the next window helps only if the cost fits into a whole window.
        var retry = cost > Definition.Limit ? Length : WindowEnd - now;
        return Outcome(now, allowed: false, retry);
    }

    public override void Refund(long cost, long timestamp)
    {
        Roll(timestamp);
        _count = Math.Max(0, _count - cost);
    }

    public override LimitOutcome Peek(long timestamp) => Outcome(Roll(timestamp), allowed: true, TimeSpan.Zero);

    public override WindowCheckpoint Checkpoint(long timestamp)
    {
        Roll(timestamp);
        return CheckpointOf(_count, 0);
    }

    public override void Restore(WindowCheckpoint checkpoint, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Roll(timestamp);
        if (checkpoint.WindowStart == WindowStart)
        {
            _count = checkpoint.Current;
            RestoredFrom(checkpoint);
        }
    }

    /// <summary>Moves to the window of <paramref name="timestamp"/>, never back to an earlier one.</summary>
    private DateTimeOffset Roll(long timestamp)
    {
        var now = Clock.UtcAt(timestamp);
        if (now >= WindowEnd)
        {
            (WindowStart, WindowEnd) = Clock.Window(timestamp, Definition);
            _count = 0;
        }

        return now < WindowStart ? WindowStart : now;
    }

    private LimitOutcome Outcome(DateTimeOffset now, bool allowed, TimeSpan retryAfter) =>
        new(Definition, allowed, Math.Max(0, Definition.Limit - _count), _count == 0 ? TimeSpan.Zero : WindowEnd - now, retryAfter);
}
