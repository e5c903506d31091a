using Silo.Grains.LoadBalancing;
namespace Silo.Api.LoadBalancing;

/// <summary>Creates the <see cref="IEndpointPicker"/> of a <see cref="LoadBalancingPolicy"/>.</summary>
public static class EndpointPickers
{
    /// <summary>A new picker for one service on one front end.</summary>
    /// <param name="policy">The service's policy.</param>
    /// <param name="random">
    /// The randomness of <see cref="LoadBalancingPolicy.PowerOfTwoChoices"/>; <see cref="Random.Shared"/> when
    /// null. Pass a seeded instance only where picks come from one thread.
    /// </param>
    public static IEndpointPicker Create(LoadBalancingPolicy policy, Random? random = null) => policy switch
    {
        LoadBalancingPolicy.RoundRobin => new RoundRobinPicker(),
        LoadBalancingPolicy.WeightedRoundRobin => new WeightedRoundRobinPicker(),
        LoadBalancingPolicy.LeastOutstanding => new LeastOutstandingPicker(),
        LoadBalancingPolicy.PowerOfTwoChoices => new PowerOfTwoChoicesPicker(random ?? Random.Shared),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown load-balancing policy."),
    };
}
