namespace Silo.Grains.Idempotency;

/// <summary>The answer to a claim: the lease when acquired, the response when replayed.</summary>
[GenerateSerializer, Immutable, Alias("silo.IdempotencyClaim")]
public sealed record IdempotencyClaim(IdempotencyClaimStatus Status, Guid Lease, RecordedResponse? Response);
