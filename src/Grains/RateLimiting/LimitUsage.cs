namespace Silo.Grains.RateLimiting;

/// <summary>How much of one limit is left right now.</summary>
public sealed record LimitUsage(string Name, long Limit, long Remaining, int ResetSeconds);
