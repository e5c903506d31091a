namespace Silo.Grains.RateLimiting;

/// <summary>A limit as advertised in the <c>RateLimit-Policy</c> header: quota per window.</summary>
[GenerateSerializer, Immutable, Alias("silo.LimitPolicy")]
public sealed record LimitPolicy(string Name, long Quota, int WindowSeconds);
