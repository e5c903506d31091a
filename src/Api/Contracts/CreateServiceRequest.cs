using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Api.Contracts;

/// <summary>Body of <c>POST /admin/services</c>; omitted settings take their defaults.</summary>
public sealed record CreateServiceRequest(
    string? Id,
    IReadOnlyList<EndpointDefinition>? Endpoints,
    LoadBalancingPolicy? LoadBalancing,
    int? TimeoutSeconds,
    HealthCheckDefinition? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker)
{
    /// <summary>The downstream timeout when none is given. The default value is 10 seconds.</summary>
    public const int DefaultTimeoutSeconds = 10;

    public ServiceDefinition ToDefinition() => new(
        Id ?? string.Empty,
        Endpoints ?? [],
        LoadBalancing ?? LoadBalancingPolicy.RoundRobin,
        TimeoutSeconds ?? DefaultTimeoutSeconds,
        HealthCheck,
        CircuitBreaker);
}
