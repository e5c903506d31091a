namespace Silo.Grains.CircuitBreaking;

/// <summary>The states of a <see cref="CircuitBreaker"/>, as in Polly v8.</summary>
[GenerateSerializer, Alias("silo.CircuitState")]
public enum CircuitState
{
    /// <summary>Calls flow; outcomes are sampled to decide whether to open.</summary>
    Closed,

    /// <summary>Calls are rejected (503 with <c>Retry-After</c>) until the break duration has elapsed.</summary>
    Open,

    /// <summary>The break has elapsed: one probe call may go through to test the service; all others are rejected.</summary>
    HalfOpen,

    /// <summary>Held open by an operator until closed by hand; no probes.</summary>
    Isolated,
}
