using System.Text.Json.Serialization;

namespace Silo.Grains.RateLimiting;

/// <summary>
/// One limit of a key or a tenant: <see cref="Limit"/> units per <see cref="WindowSeconds"/>.
/// For a token bucket, <see cref="Burst"/> is the bucket's capacity (default: <see cref="Limit"/>).
/// A fixed window may instead follow the UTC <see cref="Calendar"/> (a day or a month).
/// </summary>
public sealed record LimitDefinition(
    string Name,
    LimitAlgorithm Algorithm,
    long Limit,
    int WindowSeconds,
    long? Burst = null,
    LimitCalendar Calendar = LimitCalendar.None)
{
    /// <summary>The window length advertised in headers: a calendar day is 86,400 s, a month 30 days.</summary>
    [JsonIgnore]
    public int EffectiveWindowSeconds => Calendar switch
    {
        LimitCalendar.Day => 86_400,
        LimitCalendar.Month => 30 * 86_400,
        _ => WindowSeconds,
    };

    /// <summary>The most a single request may take from a bucket: its capacity.</summary>
    [JsonIgnore]
    public long Capacity => Algorithm == LimitAlgorithm.TokenBucket ? Burst ?? Limit : Limit;
}
