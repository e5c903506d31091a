using Silo.Grains.CircuitBreaking;
using Silo.Grains.LoadBalancing;

namespace Silo.Grains.Services;

/// <summary>
/// What a front end needs to route a service's requests without asking the service grain: the endpoints it
/// may pick now (healthy, not ejected, not draining), the policy and the breaker's state. <see cref="Epoch"/>
/// (per activation) and <see cref="Version"/> (per change) together tell a front end whether its copy is current.
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
    DownstreamHttpVersion HttpVersion = DownstreamHttpVersion.Http11);
