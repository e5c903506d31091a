using Silo.Grains.CircuitBreaking;
using Silo.Grains.LoadBalancing;

namespace Silo.Grains.Services;

/// <summary>
/// What a front end needs to route a service's requests without asking the service grain: the endpoints it
/// may pick now, the policy and the breaker's state. The endpoints are the available ones (healthy, not
/// ejected, not draining) or, while the service is in <see cref="Panic"/> (fewer available than its panic
/// threshold), every endpoint not draining. <see cref="Epoch"/> (per activation) and <see cref="Version"/>
/// (per change) together tell a front end whether its copy is current. <see cref="SigningKeys"/> (secrets: the
/// snapshot never leaves the cluster and its front ends) sign forwarded requests; none means unsigned.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.RoutingSnapshot")]
public sealed record RoutingSnapshot(
    string ServiceId,
    long Epoch,
    long Version,
    IReadOnlyList<RoutedEndpoint> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int TimeoutSeconds,
    CircuitState Circuit,
    int CircuitRetryAfterMilliseconds,
    DownstreamHttpVersion HttpVersion = DownstreamHttpVersion.Http11,
    bool Panic = false,
    IReadOnlyList<ServiceSigningKey>? SigningKeys = null,
    CachePolicy? Cache = null);
