using Silo.Grains.RateLimiting;

namespace Silo.Grains.Admission;

/// <summary>The admission outcome with what the rate-limit headers report.</summary>
[GenerateSerializer, Immutable, Alias("silo.AdmissionResult")]
public sealed record AdmissionResult(
    AdmissionStatus Status,
    string? TenantId,
    LimitDecision Decision,
    IReadOnlyList<LimitPolicy> Policies)
{
    private static readonly IReadOnlyList<LimitPolicy> NoPolicies = [];

    public static AdmissionResult Invalid { get; } = new(AdmissionStatus.InvalidKey, null, LimitDecision.Unlimited, NoPolicies);

    public bool IsAllowed => Status == AdmissionStatus.Allowed;

    public static AdmissionResult Refused(AdmissionStatus status, string? tenantId) =>
        new(status, tenantId, LimitDecision.Unlimited, NoPolicies);
}
