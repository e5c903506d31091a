namespace Silo.Grains.Idempotency;

/// <summary>A downstream response as it was sent to the first client: status, end-to-end headers and the whole body.</summary>
[GenerateSerializer, Immutable, Alias("silo.RecordedResponse")]
public sealed record RecordedResponse(int StatusCode, IReadOnlyList<RecordedHeader> Headers, byte[] Body);
