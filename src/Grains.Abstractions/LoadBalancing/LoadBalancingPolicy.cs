namespace Silo.Grains.LoadBalancing;

/// <summary>How a front end picks an endpoint of a service.</summary>
[GenerateSerializer, Alias("silo.LoadBalancingPolicy")]
public enum LoadBalancingPolicy
{
    /// <summary>Each endpoint in turn.</summary>
    RoundRobin,

    /// <summary>In turn, each endpoint as often as its weight.</summary>
    WeightedRoundRobin,

    /// <summary>The endpoint with the fewest requests in flight from this front end.</summary>
    LeastOutstanding,

    /// <summary>The less loaded of two endpoints picked at random.</summary>
    PowerOfTwoChoices,
}
