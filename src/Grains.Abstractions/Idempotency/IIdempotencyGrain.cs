namespace Silo.Grains.Idempotency;

/// <summary>
/// The record of one Idempotency-Key within one scope (a tenant). Keyed by
/// <see cref="IdempotencyKeys.GrainKey"/>: the scope plus a SHA-256 of the client's key, so a raw key is never
/// a grain id. Front ends claim the key before forwarding, then complete (record the response) or release it;
/// because the record lives in one activation, the rule holds across every front end of a cluster.
/// </summary>
[Alias("silo.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the key for a request with <paramref name="fingerprint"/> (method and target). Answers
    /// <see cref="IdempotencyClaimStatus.Acquired"/> with a lease when the key is free or its record expired;
    /// otherwise what the earlier request left: in flight, a recorded response, a mismatch, or not recorded.
    /// </summary>
    /// <param name="fingerprint">Identifies the request (same key with another fingerprint is a mismatch).</param>
    /// <param name="leaseDuration">How long an unfinished claim blocks the key; after it a new claim may take over (a front end that died mid-request).</param>
    [Alias("Claim")]
    Task<IdempotencyClaim> ClaimAsync(string fingerprint, TimeSpan leaseDuration);

    /// <summary>
    /// Records the outcome of the claimed request: the response to replay, or null when the request was
    /// executed but its response could not be recorded (too large, broken off). Ignored if the lease is stale.
    /// </summary>
    [Alias("Complete")]
    Task CompleteAsync(Guid lease, RecordedResponse? response);

    /// <summary>Forgets the claim: the request produced no definitive answer, so a repeat may be forwarded again. Ignored if the lease is stale.</summary>
    [Alias("Release")]
    Task ReleaseAsync(Guid lease);
}
