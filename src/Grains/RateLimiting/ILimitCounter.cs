namespace Silo.Grains.RateLimiting;

/// <summary>
/// The running count of one limit. Pure and single-threaded: it lives inside one grain activation (which
/// runs one turn at a time) and takes time as <see cref="TimeProvider"/> timestamps, never reading a clock.
/// </summary>
public interface ILimitCounter
{
    LimitDefinition Definition { get; }

    /// <summary>Takes <paramref name="cost"/> units if they are available at <paramref name="timestamp"/>.</summary>
    LimitOutcome TryAcquire(long cost, long timestamp);

    /// <summary>Gives back units taken by an earlier successful <see cref="TryAcquire"/> (another level rejected).</summary>
    void Refund(long cost, long timestamp);

    /// <summary>The state at <paramref name="timestamp"/> without taking anything.</summary>
    LimitOutcome Peek(long timestamp);
}
