namespace Silo.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>No call reached it for the configured collection age.</summary>
    Idle,

    /// <summary>The grain asked for it (<see cref="Grain.DeactivateOnIdle"/>).</summary>
    ApplicationRequested,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary>A storage write hit a stale ETag; the next activation reads the current state.</summary>
    InconsistentState,

    /// <summary>Another silo owns the grain now.</summary>
    OwnershipLost,
}
