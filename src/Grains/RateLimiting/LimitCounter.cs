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
            _ => throw new NotSupportedException($"Limit algorithm {definition.Algorithm} is not available in this version."),
        };
    }
}
