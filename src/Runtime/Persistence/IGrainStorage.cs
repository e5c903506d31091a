namespace Silo.Runtime;

/// <summary>
/// A storage provider for grain state. Records are opaque bytes with an ETag; every write and clear is
/// conditional on the ETag the writer last saw, so two activations can never silently overwrite each other.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Reads a record; null when none exists.</summary>
    Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a record if the stored ETag equals <paramref name="expectedEtag"/> (null: only if no record
    /// exists) and returns the new ETag; otherwise throws <see cref="InconsistentStateException"/>.
    /// </summary>
    Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a record if the stored ETag equals <paramref name="expectedEtag"/> (null: succeeds only when no
    /// record exists); otherwise throws <see cref="InconsistentStateException"/>.
    /// </summary>
    Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken);
}
