using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Api.Contracts;

/// <summary>A service as <c>GET /admin/services/{service}</c> shows it: settings, live endpoint status and breaker.</summary>
public sealed record ServiceResponse(
    string Id,
    IReadOnlyList<EndpointStatus> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int TimeoutSeconds,
    HealthCheckDefinition? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker,
    OutlierDetectionDefinition? OutlierDetection,
    CircuitStatus Circuit,
    long HealthCheckRounds,
    long Version,
    DateTimeOffset CreatedAt)
{
    public static ServiceResponse From(ServiceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var d = info.Definition;
        return new(d.Id, info.EndpointStatus, d.LoadBalancing, d.TimeoutSeconds, d.HealthCheck, d.CircuitBreaker, d.OutlierDetection, info.Circuit, info.HealthCheckRounds, info.Version, info.CreatedAt);
    }
}
