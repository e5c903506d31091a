using Silo.Grains.RateLimiting;

namespace Silo.Grains.Admission;

/// <summary>
/// The admission outcome with what the rate-limit headers report; <see cref="Level"/> says whether the key or
/// its tenant refused, <see cref="ShadowLimited"/> that an admitted request was over a shadow limit.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.AdmissionResult")]
public sealed record AdmissionResult(
    AdmissionStatus Status,
    string? TenantId,
    LimitDecision Decision,
    IReadOnlyList<LimitPolicy> Policies,
    AdmissionLevel Level = AdmissionLevel.None,
    bool ShadowLimited = false)
{
    private static readonly IReadOnlyList<LimitPolicy> NoPolicies = [];

    public static AdmissionResult Invalid { get; } = new(AdmissionStatus.InvalidKey, null, LimitDecision.Unlimited, NoPolicies);

    public bool IsAllowed => Status == AdmissionStatus.Allowed;

    public static AdmissionResult Refused(AdmissionStatus status, string? tenantId, AdmissionLevel level = AdmissionLevel.Key) =>
        new(status, tenantId, LimitDecision.Unlimited, NoPolicies, level);
}
