using Silo.Api.LoadBalancing;

namespace Silo.Api.Forwarding;

/// <summary>Where the attempts of one forward go: the first endpoint, then another for each retry.</summary>
public interface IEndpointSelection
{
    /// <summary>
    /// The endpoint of the next attempt: the first when <paramref name="previous"/> is null, otherwise one other than
    /// it when there is one. Null when no endpoint is available.
    /// </summary>
    EndpointLoad? Next(EndpointLoad? previous);
}
