namespace Silo.Grains.Services;

/// <summary>Identifies a routing snapshot: the activation's epoch and the change counter.</summary>
[GenerateSerializer, Immutable, Alias("silo.SnapshotStamp")]
public sealed record SnapshotStamp(long Epoch, long Version);
