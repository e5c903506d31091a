namespace Silo.Grains.Idempotency;

/// <summary>What a claim on an Idempotency-Key found.</summary>
[GenerateSerializer, Alias("silo.IdempotencyClaimStatus")]
public enum IdempotencyClaimStatus
{
    /// <summary>The key was free: the caller forwards the request and must complete or release the lease.</summary>
    Acquired,

    /// <summary>An earlier request with the key has not finished yet.</summary>
    InFlight,

    /// <summary>An earlier request finished; its recorded response is in the claim.</summary>
    Replay,

    /// <summary>An earlier request finished but its response was not recorded (too large or broken off).</summary>
    NotRecorded,

    /// <summary>The key was first used with a different method or target.</summary>
    Mismatch,
}
