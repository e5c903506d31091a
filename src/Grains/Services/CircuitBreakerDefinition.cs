namespace Silo.Grains.Services;

/// <summary>Circuit breaker settings of a service (stored; acted on by the circuit-breaking work).</summary>
public sealed record CircuitBreakerDefinition(double FailureRatio, int MinimumThroughput, int SamplingSeconds, int BreakSeconds);
