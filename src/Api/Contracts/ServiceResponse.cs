using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Api.Contracts;

/// <summary>
/// A service as <c>GET /admin/services/{service}</c> shows it: settings, live endpoint status and breaker, its
/// panic threshold and whether it is in panic now, and the keys its forwarded requests are signed with (never their secrets).
/// </summary>
public sealed record ServiceResponse(
    string Id,
    IReadOnlyList<EndpointStatus> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int PanicThresholdPercent,
    bool Panic,
    int TimeoutSeconds,
    HealthCheckDefinition? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker,
    OutlierDetectionDefinition? OutlierDetection,
    CircuitStatus Circuit,
    long HealthCheckRounds,
    long Version,
    DateTimeOffset CreatedAt,
    DownstreamHttpVersion HttpVersion,
    IReadOnlyList<SigningKeyInfo> Signing,
    CachePolicy? Cache)
{
    public static ServiceResponse From(ServiceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var d = info.Definition;

        // The effective settings: a service registered without breaker or outlier settings, or stored before a
        // setting existed, runs the defaults.
        var outliers = d.OutlierDetection ?? OutlierDetectionDefinition.Default;
        return new(
            d.Id, info.EndpointStatus, d.LoadBalancing, d.PanicThreshold(), info.Panic, d.TimeoutSeconds, d.HealthCheck,
            d.CircuitBreaker ?? CircuitBreakerDefinition.Default,
            outliers with { UnejectOnHealthyCheck = outliers.UnejectsOnHealthyCheck() },
            info.Circuit, info.HealthCheckRounds, info.Version, info.CreatedAt, d.HttpVersion, info.Signing ?? [], d.Cache);
    }
}
