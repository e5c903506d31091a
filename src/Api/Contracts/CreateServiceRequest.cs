using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Api.Contracts;

/// <summary>
/// Body of <c>POST /admin/services</c>; omitted settings take their defaults, which are stored with the service
/// (a later change of a default does not change services already registered).
/// </summary>
public sealed record CreateServiceRequest(
    string? Id,
    IReadOnlyList<EndpointDefinition>? Endpoints,
    LoadBalancingPolicy? LoadBalancing,
    int? TimeoutSeconds,
    HealthCheckRequest? HealthCheck,
    CircuitBreakerDefinition? CircuitBreaker,
    OutlierDetectionRequest? OutlierDetection = null,
    DownstreamHttpVersion? HttpVersion = null,
    int? PanicThresholdPercent = null,
    CachePolicy? Cache = null)
{
    /// <summary>The downstream timeout when none is given. The default value is 10 seconds.</summary>
    public const int DefaultTimeoutSeconds = 10;

    /// <summary>The load-balancing policy when none is given: power of two choices.</summary>
    public const LoadBalancingPolicy DefaultLoadBalancing = LoadBalancingPolicy.PowerOfTwoChoices;

    public ServiceDefinition ToDefinition() => new(
        Id ?? string.Empty,
        Endpoints ?? [],
        LoadBalancing ?? DefaultLoadBalancing,
        TimeoutSeconds ?? DefaultTimeoutSeconds,
        HealthCheck?.ToDefinition(),
        CircuitBreaker ?? CircuitBreakerDefinition.Default,
        (OutlierDetection ?? new OutlierDetectionRequest()).ToDefinition(),
        HttpVersion ?? DownstreamHttpVersion.Http11,
        PanicThresholdPercent ?? ServiceDefinition.DefaultPanicThresholdPercent,
        Cache);
}
