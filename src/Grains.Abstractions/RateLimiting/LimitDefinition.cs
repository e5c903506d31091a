using System.Text.Json.Serialization;

namespace Silo.Grains.RateLimiting;

/// <summary>
/// One limit of a key or a tenant: <see cref="Limit"/> units per <see cref="WindowSeconds"/>.
/// For a token bucket, <see cref="Burst"/> is the bucket's capacity (default: <see cref="Limit"/>).
/// A fixed window may instead follow the UTC <see cref="Calendar"/> (a day or a month).
/// A <see cref="Shadow"/> limit counts and reports the requests it would reject but rejects none: a way to
/// try a new limit on live traffic before enforcing it.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.LimitDefinition")]
public sealed record LimitDefinition(
    string Name,
    LimitAlgorithm Algorithm,
    long Limit,
    int WindowSeconds,
    long? Burst = null,
    LimitCalendar Calendar = LimitCalendar.None,
    bool Shadow = false)
{
    /// <summary>Windows at least this long are checkpointed to storage; shorter ones live in memory only.</summary>
    public const int DurableWindowSeconds = 3600;

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

    /// <summary>
    /// Whether the count survives a restart: calendar windows and fixed or sliding windows of an hour or more
    /// are checkpointed (losing them would hand out up to a day's or a month's quota again). Token buckets and
    /// short windows refill within minutes and stay in memory.
    /// </summary>
    [JsonIgnore]
    public bool IsDurable => Algorithm != LimitAlgorithm.TokenBucket &&
        (Calendar != LimitCalendar.None || WindowSeconds >= DurableWindowSeconds);
}
