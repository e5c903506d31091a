namespace Silo.Runtime;

/// <summary>A stored record: its bytes and its ETag.</summary>
public sealed record GrainStateRecord(ReadOnlyMemory<byte> Data, string Etag);
