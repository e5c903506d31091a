using Silo.Api.LoadBalancing;
using Silo.Api.Routing;

namespace Silo.Api.Forwarding;

/// <summary>The endpoints of a service's route, picked by the service's load-balancing policy.</summary>
internal sealed class RouteSelection(ServiceRoute route) : IEndpointSelection
{
    public EndpointLoad? Next(EndpointLoad? previous) => previous is null ? route.Pick() : route.PickOther(previous);
}
