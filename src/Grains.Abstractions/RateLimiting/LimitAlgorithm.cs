namespace Silo.Grains.RateLimiting;

/// <summary>How a limit counts requests.</summary>
[GenerateSerializer, Alias("silo.LimitAlgorithm")]
public enum LimitAlgorithm
{
    /// <summary>Refills <c>limit</c> tokens per window continuously, holding at most <c>burst</c>.</summary>
    TokenBucket,

    /// <summary>Counts in a window that slides with time (weighted from the previous fixed window).</summary>
    SlidingWindow,

    /// <summary>Counts in consecutive fixed windows aligned to the epoch.</summary>
    FixedWindow,
}
