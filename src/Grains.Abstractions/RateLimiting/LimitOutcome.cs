namespace Silo.Grains.RateLimiting;

/// <summary>The answer of one limit to one request.</summary>
[GenerateSerializer, Alias("silo.LimitOutcome")]
public readonly record struct LimitOutcome(
    LimitDefinition Definition,
    bool Allowed,
    long Remaining,
    TimeSpan ResetAfter,
    TimeSpan RetryAfter);
