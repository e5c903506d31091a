namespace Silo.Grains.RateLimiting;

/// <summary>
/// What the window-based counters share: the definition, a clock that maps monotonic timestamps to UTC,
/// and the bounds of the current window. A window never moves back (see <see cref="WindowClock"/>).
/// </summary>
public abstract class WindowedCounter : ILimitCounter
{
    private protected WindowedCounter(LimitDefinition definition, DateTimeOffset utcNow, long timestamp, long timestampFrequency)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        Clock = new WindowClock(utcNow, timestamp, timestampFrequency);
    }

    public LimitDefinition Definition { get; }

    private protected WindowClock Clock { get; }

    private protected DateTimeOffset WindowStart { get; set; } = DateTimeOffset.MinValue;

    private protected DateTimeOffset WindowEnd { get; set; } = DateTimeOffset.MinValue;

    private protected TimeSpan Length => WindowEnd - WindowStart;

    public abstract LimitOutcome TryAcquire(long cost, long timestamp);

    public abstract void Refund(long cost, long timestamp);

    public abstract LimitOutcome Peek(long timestamp);
}
