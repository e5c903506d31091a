using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Api.Contracts;

/// <summary>A service as <c>GET /admin/services/{service}</c> shows it.</summary>
public sealed record ServiceResponse(
    string Id,
    IReadOnlyList<EndpointDefinition> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int TimeoutSeconds,
    HealthCheckDefinition? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker,
    long Version,
    DateTimeOffset CreatedAt)
{
    public static ServiceResponse From(ServiceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var d = info.Definition;
        return new(d.Id, d.Endpoints, d.LoadBalancing, d.TimeoutSeconds, d.HealthCheck, d.CircuitBreaker, info.Version, info.CreatedAt);
    }
}
