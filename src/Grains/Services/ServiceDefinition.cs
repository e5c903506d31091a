using Silo.Grains.LoadBalancing;

namespace Silo.Grains.Services;

/// <summary>A downstream service as an administrator registers it.</summary>
public sealed record ServiceDefinition(
    string Id,
    IReadOnlyList<EndpointDefinition> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int TimeoutSeconds,
    HealthCheckDefinition? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker);
