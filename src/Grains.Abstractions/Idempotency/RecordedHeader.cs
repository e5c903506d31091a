namespace Silo.Grains.Idempotency;

/// <summary>One response header with all its values.</summary>
[GenerateSerializer, Immutable, Alias("silo.RecordedHeader")]
public sealed record RecordedHeader(string Name, IReadOnlyList<string> Values);
