namespace Silo.Grains.RateLimiting;

/// <summary>
/// A token bucket holding at most <see cref="LimitDefinition.Capacity"/> tokens, refilled continuously at
/// <c>Limit / WindowSeconds</c> tokens per second.
/// </summary>
/// <remarks>
/// The level is kept in exact integer units: tokens × window length in timestamp ticks, so a refill of
/// <c>elapsed</c> ticks adds exactly <c>elapsed × Limit</c> units and no rounding ever over- or under-admits.
/// <see cref="Int128"/> because capacity (≤ 1e9) × a 31-day window in ticks exceeds a long.
/// </remarks>
public sealed class TokenBucket : ILimitCounter
{
    private readonly long _frequency;
    private readonly Int128 _windowTicks;
    private readonly Int128 _fullLevel;
    private Int128 _level;
    private long _lastTimestamp;

    public TokenBucket(LimitDefinition definition, long timestampFrequency, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentOutOfRangeException.ThrowIfLessThan(definition.Limit, 1, nameof(definition));
        ArgumentOutOfRangeException.ThrowIfLessThan(definition.WindowSeconds, 1, nameof(definition));
        Definition = definition;
        _frequency = timestampFrequency;
        _windowTicks = (Int128)definition.WindowSeconds * timestampFrequency;
        _fullLevel = definition.Capacity * _windowTicks;
        _level = _fullLevel;
        _lastTimestamp = timestamp;
    }

    public LimitDefinition Definition { get; }

    public LimitOutcome TryAcquire(long cost, long timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 0);
        Refill(timestamp);
        var need = cost * _windowTicks;
        if (_level >= need)
        {
            _level -= need;
            return Outcome(allowed: true, retryAfter: TimeSpan.Zero);
        }

        // Cost above capacity can never be met: report a full window, the longest any wait could be.
        var retry = need > _fullLevel
            ? TimeSpan.FromSeconds(Definition.WindowSeconds)
            : TicksToTime(CeilDiv(need - _level, Definition.Limit));
        return Outcome(allowed: false, retryAfter: retry);
    }

    public void Refund(long cost, long timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 0);
        Refill(timestamp);
        _level = Int128.Min(_fullLevel, _level + (cost * _windowTicks));
    }

    public LimitOutcome Peek(long timestamp)
    {
        Refill(timestamp);
        return Outcome(allowed: true, retryAfter: TimeSpan.Zero);
    }

    private void Refill(long timestamp)
    {
        // Timestamps are monotonic; ignore a timestamp from the past instead of draining the bucket.
        if (timestamp <= _lastTimestamp)
        {
            return;
        }

        var elapsed = (Int128)(timestamp - _lastTimestamp);
        _lastTimestamp = timestamp;
        var room = _fullLevel - _level;
        var added = elapsed * Definition.Limit;
        _level = added >= room ? _fullLevel : _level + added;
    }

    private LimitOutcome Outcome(bool allowed, TimeSpan retryAfter)
    {
        var remaining = (long)(_level / _windowTicks);
        var resetAfter = TicksToTime(CeilDiv(_fullLevel - _level, Definition.Limit));
        return new LimitOutcome(Definition, allowed, remaining, resetAfter, retryAfter);
    }

    private static Int128 CeilDiv(Int128 value, long divisor) => (value + divisor - 1) / divisor;

    private TimeSpan TicksToTime(Int128 ticks) =>
        TimeSpan.FromSeconds((double)ticks / _frequency);
}
