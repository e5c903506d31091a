using Silo.Grains.CircuitBreaking;

namespace Silo.Grains.Services;

/// <summary>The breaker as the admin API shows it: state, wait, and the outcomes in its sampling window.</summary>
[GenerateSerializer, Immutable, Alias("silo.CircuitStatus")]
public sealed record CircuitStatus(
    CircuitState State,
    int RetryAfterSeconds,
    long Successes,
    long Failures,
    int Reporters,
    int FailingReporters);
