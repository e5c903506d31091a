namespace Silo.Grains.Idempotency;

/// <summary>One response header with all its values.</summary>
public sealed record RecordedHeader(string Name, IReadOnlyList<string> Values);
