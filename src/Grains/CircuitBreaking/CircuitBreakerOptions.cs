namespace Silo.Grains.CircuitBreaking;

/// <summary>
/// Settings of a <see cref="CircuitBreaker"/>. The first four mean what Polly v8's
/// <c>CircuitBreakerStrategyOptions</c> mean; <see cref="MinimumReporters"/> is the cluster-wide quorum.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>
    /// The failure ratio, over the sampling duration, at or above which the circuit opens; greater than 0 and
    /// at most 1. The default value is 0.5.
    /// </summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>
    /// How many outcomes the sampling duration must hold before the ratio counts; at least 1.
    /// The default value is 20.
    /// </summary>
    public int MinimumThroughput { get; init; } = 20;

    /// <summary>How far back outcomes count; at least 0.5 seconds. The default value is 30 seconds.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the circuit stays open before a probe is allowed, and how long a probe may stay unanswered
    /// before another one is allowed; at least 0.5 seconds. The default value is 5 seconds.
    /// </summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many reporters (front ends) must each see a failure ratio at or above <see cref="FailureRatio"/>
    /// before the circuit opens, so that one front end with a local problem cannot open the circuit for all;
    /// at least 1. With 1 the breaker behaves exactly like Polly's. The default value is 1.
    /// </summary>
    public int MinimumReporters { get; init; } = 1;
}
