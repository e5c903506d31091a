namespace Silo.Grains.Services;

/// <summary>Identifies a routing snapshot: the activation's epoch and the change counter.</summary>
public sealed record SnapshotStamp(long Epoch, long Version);
