namespace Silo.Grains.Services;

/// <summary>
/// The service's cluster-wide circuit breaker (see <see cref="CircuitBreaker"/>): it opens when, over the last
/// <see cref="SamplingSeconds"/>, at least <see cref="MinimumThroughput"/> calls were made, at least
/// <see cref="FailureRatio"/> of them failed, and at least <see cref="MinimumReporters"/> front ends each saw
/// that ratio themselves; it stays open <see cref="BreakSeconds"/>, then lets one probe through.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.CircuitBreakerDefinition")]
public sealed record CircuitBreakerDefinition(
    double FailureRatio = 0.5,
    int MinimumThroughput = 20,
    int SamplingSeconds = 30,
    int BreakSeconds = 5,
    int MinimumReporters = 1)
{
    /// <summary>The breaker of a service that names none.</summary>
    public static CircuitBreakerDefinition Default { get; } = new();
}
