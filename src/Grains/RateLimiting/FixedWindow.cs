namespace Silo.Grains.RateLimiting;

/// <summary>
/// At most <c>Limit</c> units per window; windows follow each other without overlap, aligned to the Unix
/// epoch (or to UTC days or months). Simple and exact, but a client can spend two windows' worth around a
/// boundary; <see cref="SlidingWindow"/> smooths that.
/// </summary>
public sealed class FixedWindow : ILimitCounter
{
    private readonly WindowClock _clock;
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private DateTimeOffset _windowEnd = DateTimeOffset.MinValue;
    private long _count;

    public FixedWindow(LimitDefinition definition, DateTimeOffset utcNow, long timestamp, long timestampFrequency)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        _clock = new WindowClock(utcNow, timestamp, timestampFrequency);
    }

    public LimitDefinition Definition { get; }

    public LimitOutcome TryAcquire(long cost, long timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 0);
        var now = Roll(timestamp);
        if (_count + cost <= Definition.Limit)
        {
            _count += cost;
            return Outcome(now, allowed: true, TimeSpan.Zero);
        }

        // Waiting for the next window helps only if the cost fits into a whole window.
        var retry = cost > Definition.Limit ? _windowEnd - _windowStart : _windowEnd - now;
        return Outcome(now, allowed: false, retry);
    }

    public void Refund(long cost, long timestamp)
    {
        Roll(timestamp);
        _count = Math.Max(0, _count - cost);
    }

    public LimitOutcome Peek(long timestamp) => Outcome(Roll(timestamp), allowed: true, TimeSpan.Zero);

    /// <summary>Moves to the window of <paramref name="timestamp"/>, never back to an earlier one.</summary>
    private DateTimeOffset Roll(long timestamp)
    {
        var now = _clock.UtcAt(timestamp);
        if (now >= _windowEnd)
        {
            (_windowStart, _windowEnd) = _clock.Window(timestamp, Definition);
            _count = 0;
        }

        return now < _windowStart ? _windowStart : now;
    }

    private LimitOutcome Outcome(DateTimeOffset now, bool allowed, TimeSpan retryAfter) =>
        new(Definition, allowed, Math.Max(0, Definition.Limit - _count), _count == 0 ? TimeSpan.Zero : _windowEnd - now, retryAfter);
}
