using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Grains.Tests.Services.Legacy;

/// <summary><see cref="ServiceDefinition"/> as stored before <c>PanicThresholdPercent</c> existed: its first eight parameters.</summary>
[GenerateSerializer, Immutable, Alias("silo.tests.LegacyServiceDefinition")]
internal sealed record LegacyServiceDefinition(
    string Id,
    IReadOnlyList<EndpointDefinition> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int TimeoutSeconds,
    HealthCheckDefinition? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker,
    LegacyOutlierDetectionDefinition? OutlierDetection,
    DownstreamHttpVersion HttpVersion);
