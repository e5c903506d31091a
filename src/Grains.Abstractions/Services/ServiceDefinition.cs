using Silo.Grains.LoadBalancing;

namespace Silo.Grains.Services;

/// <summary>
/// A downstream service as an administrator registers it. No health check means endpoints count as healthy
/// until passive outlier detection says otherwise; no breaker or outlier settings mean the defaults.
/// <see cref="PanicThresholdPercent"/> is Envoy's <c>healthy_panic_threshold</c>: when fewer than that share
/// of the endpoints not draining is available, requests go to every endpoint not draining; 0 turns it off.
/// </summary>
/// <remarks>
/// Stored in grain state: parameters are only ever added at the end (Orleans numbers them by position), and a
/// state written before a parameter existed reads back with that field's zero value. That is why
/// <see cref="PanicThresholdPercent"/> is nullable: null (a service stored before the setting existed, or built
/// in code without it) means <see cref="DefaultPanicThresholdPercent"/>, where a plain 0 would read back as
/// "panic off".
/// </remarks>
[GenerateSerializer, Immutable, Alias("silo.ServiceDefinition")]
public sealed record ServiceDefinition(
    string Id,
    IReadOnlyList<EndpointDefinition> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int TimeoutSeconds,
    HealthCheckDefinition? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker,
    OutlierDetectionDefinition? OutlierDetection = null,
    DownstreamHttpVersion HttpVersion = DownstreamHttpVersion.Http11,
    int? PanicThresholdPercent = null,
    CachePolicy? Cache = null)
{
    /// <summary>The panic threshold when the service does not say. The default value is 50 (percent), as in Envoy.</summary>
    public const int DefaultPanicThresholdPercent = 50;

    /// <summary><see cref="PanicThresholdPercent"/>, or <see cref="DefaultPanicThresholdPercent"/> when it is not set.</summary>
    public int PanicThreshold() => PanicThresholdPercent ?? DefaultPanicThresholdPercent;
}
