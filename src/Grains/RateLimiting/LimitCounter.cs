namespace Silo.Grains.RateLimiting;

/// <summary>Creates the counter for a limit definition.</summary>
public static class LimitCounter
{
    public static ILimitCounter Create(LimitDefinition definition, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(time);
        return definition.Algorithm switch
        {
            LimitAlgorithm.TokenBucket => new TokenBucket(definition, time.TimestampFrequency, time.GetTimestamp()),
            LimitAlgorithm.FixedWindow => new FixedWindow(definition, time.GetUtcNow(), time.GetTimestamp(), time.TimestampFrequency),
            LimitAlgorithm.SlidingWindow => new SlidingWindow(definition, time.GetUtcNow(), time.GetTimestamp(), time.TimestampFrequency),
            _ => throw new NotSupportedException($"Unknown limit algorithm {definition.Algorithm}."),
        };
    }
}
