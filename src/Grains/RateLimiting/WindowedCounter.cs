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

    /// <summary>The count of the window current at <paramref name="timestamp"/>, for storage.</summary>
    public abstract WindowCheckpoint Checkpoint(long timestamp);

    /// <summary>
    /// Takes the count back from storage after a restart. Counts of a window that has since ended are ignored
    /// (a sliding window keeps the one just before the current window as its previous count).
    /// </summary>
    public abstract void Restore(WindowCheckpoint checkpoint, long timestamp);

    private protected WindowCheckpoint CheckpointOf(long current, long previous) =>
        new(Definition.Name, Definition.Algorithm, Definition.WindowSeconds, Definition.Calendar, WindowStart, current, previous);
}
