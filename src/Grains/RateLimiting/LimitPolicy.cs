namespace Silo.Grains.RateLimiting;

/// <summary>A limit as advertised in the <c>RateLimit-Policy</c> header: quota per window.</summary>
public sealed record LimitPolicy(string Name, long Quota, int WindowSeconds);
