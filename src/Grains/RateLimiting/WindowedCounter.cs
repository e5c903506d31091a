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

    /// <summary>When an operator last started this count afresh (null when never); carried by its checkpoints.</summary>
    public DateTimeOffset? ResetAt { get; private set; }

    /// <summary>Notes that this counter replaces a count an operator reset at <paramref name="at"/>.</summary>
    public void MarkReset(DateTimeOffset at) => ResetAt = at;

    /// <summary>Takes the reset moment of a checkpoint this counter's count was restored from.</summary>
    private protected void RestoredFrom(WindowCheckpoint checkpoint) => ResetAt = checkpoint.ResetAt;

    public abstract LimitOutcome TryAcquire(long cost, long timestamp);

    public abstract void Refund(long cost, long timestamp);

    public abstract LimitOutcome Peek(long timestamp);

    /// <summary>The count of the window current at <paramref name="timestamp"/>, for storage.</summary>
    public abstract WindowCheckpoint Checkpoint(long timestamp);

    /// <summary>
    /// Sets the count to a checkpoint's: taken back from storage after a restart, carried over a change of limits,
    /// or rebased on another activation's. Counts of a window that has since ended are ignored (a sliding window
    /// keeps the one just before the current window as its previous count).
    /// </summary>
    public abstract void Restore(WindowCheckpoint checkpoint, long timestamp);

    /// <summary>How long the window current at <paramref name="timestamp"/> still runs.</summary>
    public TimeSpan UntilWindowEnd(long timestamp)
    {
        Peek(timestamp);
        return WindowEnd - Clock.UtcAt(timestamp);
    }

    /// <summary>
    /// Gives back <paramref name="cost"/> units taken at <paramref name="takenAt"/> (a timestamp of this counter's
    /// clock) if they were counted in the window current at <paramref name="timestamp"/>; units counted in a
    /// window that has ended stay there, since giving them to the current window would lend it units it never lent.
    /// </summary>
    public void Return(long cost, long takenAt, long timestamp)
    {
        Peek(timestamp);
        if (Clock.UtcAt(takenAt) >= WindowStart)
        {
            Refund(cost, timestamp);
        }
    }

    private protected WindowCheckpoint CheckpointOf(long current, long previous) =>
        new(Definition.Name, Definition.Algorithm, Definition.WindowSeconds, Definition.Calendar, WindowStart, current, previous, ResetAt);
}
