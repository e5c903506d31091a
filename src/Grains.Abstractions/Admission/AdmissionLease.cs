using Silo.Grains.RateLimiting;

namespace Silo.Grains.Admission;

/// <summary>
/// The answer to a <see cref="LeaseRequest"/>: <see cref="Result"/> for the request itself and, when the key
/// authenticated, what the holder may do alone until it asks again. <see cref="Tokens"/> units of every limit
/// are reserved for the holder for <see cref="ValidFor"/> (0 tokens: serve this key per request). When the
/// request was refused for want of room, <see cref="RefusedFor"/> is how long the refusal stands (until the
/// refusing limit has room for one unit again).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.AdmissionLease")]
public sealed record AdmissionLease(
    AdmissionResult Result,
    LeasedKey? Key,
    long Tokens,
    TimeSpan ValidFor,
    TimeSpan RefusedFor,
    LeaseStamp KeyStamp,
    LeaseStamp TenantStamp)
{
    /// <summary>Nothing the holder may keep: the key did not authenticate, or is not usable.</summary>
    public static AdmissionLease None(AdmissionResult result) =>
        new(result, null, 0, TimeSpan.Zero, TimeSpan.Zero, LeaseStamp.None, LeaseStamp.None);
}
