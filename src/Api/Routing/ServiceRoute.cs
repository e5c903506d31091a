using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Api.Routing;

/// <summary>A routing snapshot with this front end's endpoint picker.</summary>
public sealed class ServiceRoute(RoutingSnapshot snapshot)
{
    private readonly RoundRobinPicker _picker = new();

    public RoutingSnapshot Snapshot { get; } = snapshot;

    /// <summary>The next endpoint, or null when the service has none.</summary>
    public EndpointDefinition? Pick() =>
        Snapshot.Endpoints.Count == 0 ? null : Snapshot.Endpoints[_picker.Next(Snapshot.Endpoints.Count)];
}
