using Silo.Grains.LoadBalancing;

namespace Silo.Grains.Services;

/// <summary>
/// A downstream service as an administrator registers it. No health check means endpoints count as healthy
/// until passive outlier detection says otherwise; no breaker or outlier settings mean the defaults.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.ServiceDefinition")]
public sealed record ServiceDefinition(
    string Id,
    IReadOnlyList<EndpointDefinition> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int TimeoutSeconds,
    HealthCheckDefinition? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker,
    OutlierDetectionDefinition? OutlierDetection = null,
    DownstreamHttpVersion HttpVersion = DownstreamHttpVersion.Http11);
