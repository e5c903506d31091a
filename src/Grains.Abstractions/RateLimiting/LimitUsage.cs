namespace Silo.Grains.RateLimiting;

/// <summary>
/// How much of one limit is left right now. For a shadow limit, <see cref="ShadowRejections"/> counts the
/// requests it would have rejected since the activation started (null for enforced limits).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.LimitUsage")]
public sealed record LimitUsage(string Name, long Limit, long Remaining, int ResetSeconds, long? ShadowRejections = null);
