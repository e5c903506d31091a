using Silo.Api.Forwarding;
using Silo.Api.LoadBalancing;

namespace Silo.Api.Tests.Forwarding;

/// <summary>Attempts go to these URLs in order (the first, then the next for each retry); null or the end stops.</summary>
public sealed class FixedTargets(params Uri?[] targets) : IEndpointSelection
{
    private readonly EndpointLoad?[] _endpoints = [.. targets.Select(t => t is null ? null : new EndpointLoad(t.ToString()))];

    public EndpointLoad? Next(EndpointLoad? previous)
    {
        var index = previous is null ? 0 : Array.IndexOf(_endpoints, previous) + 1;
        return index < _endpoints.Length ? _endpoints[index] : null;
    }

    /// <summary>A forward to these targets: the path the client sent after <c>/_fwd/{scenario}</c> is not appended.</summary>
    public static ProxyFeature Feature(Uri?[] targets, TimeSpan? timeout = null, RetryBudget? budget = null, string? idempotencyScope = null) => new()
    {
        Service = "test",
        PathAndQuery = string.Empty,
        Endpoints = new FixedTargets(targets),
        Timeout = timeout ?? TimeSpan.FromSeconds(5),
        Budget = budget,
        IdempotencyScope = idempotencyScope,
    };
}
