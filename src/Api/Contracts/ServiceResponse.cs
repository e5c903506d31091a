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
    DateTimeOffset CreatedAt,
    DownstreamHttpVersion HttpVersion)
{
    public static ServiceResponse From(ServiceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var d = info.Definition;
        // The effective settings: a service registered without breaker or outlier settings runs the defaults.
        return new(
            d.Id, info.EndpointStatus, d.LoadBalancing, d.TimeoutSeconds, d.HealthCheck,
            d.CircuitBreaker ?? CircuitBreakerDefinition.Default, d.OutlierDetection ?? OutlierDetectionDefinition.Default,
            info.Circuit, info.HealthCheckRounds, info.Version, info.CreatedAt, d.HttpVersion);
    }
}
