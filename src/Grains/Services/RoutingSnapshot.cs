using Silo.Grains.LoadBalancing;

namespace Silo.Grains.Services;

/// <summary>
/// What a front end needs to route a service's requests without asking the service grain: the endpoints
/// and the policy, stamped with a version that changes whenever any of it changes.
/// </summary>
public sealed record RoutingSnapshot(
    string ServiceId,
    long Version,
    IReadOnlyList<EndpointDefinition> Endpoints,
    LoadBalancingPolicy LoadBalancing,
    int TimeoutSeconds);
