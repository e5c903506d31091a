using System.Text.Json.Serialization;

namespace Silo.Grains.RateLimiting;

/// <summary>
/// One limit of a key or a tenant: <see cref="Limit"/> units per <see cref="WindowSeconds"/>.
/// For a token bucket, <see cref="Burst"/> is the bucket's capacity (default: <see cref="Limit"/>).
/// </summary>
public sealed record LimitDefinition(string Name, LimitAlgorithm Algorithm, long Limit, int WindowSeconds, long? Burst = null)
{
    /// <summary>The most a single request may take from a bucket: its capacity.</summary>
    [JsonIgnore]
    public long Capacity => Algorithm == LimitAlgorithm.TokenBucket ? Burst ?? Limit : Limit;
}
