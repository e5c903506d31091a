using System.Collections.Concurrent;
using System.Globalization;

namespace Silo.Runtime.Persistence;

/// <summary>
/// Grain storage in this process's memory: the embedded default and tests. Lost when the process exits.
/// Stores copies of the bytes, so a grain mutating its state after a write does not change what is stored.
/// </summary>
public sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), GrainStateRecord> _records = new();
    private long _nextEtag;

    /// <summary>Number of stored records.</summary>
    public int Count => _records.Count;

    public Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_records.TryGetValue((stateName, grainId), out var record) ? record : null);
    }

    public Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = (stateName, grainId);
        var etag = Interlocked.Increment(ref _nextEtag).ToString(CultureInfo.InvariantCulture);
        var record = new GrainStateRecord(data.ToArray(), etag);
        if (expectedEtag is null)
        {
            if (!_records.TryAdd(key, record))
            {
                throw Conflict(stateName, grainId, expectedEtag);
            }
        }
        else if (!_records.TryGetValue(key, out var current) ||
                 !string.Equals(current.Etag, expectedEtag, StringComparison.Ordinal) ||
                 !_records.TryUpdate(key, record, current))
        {
            throw Conflict(stateName, grainId, expectedEtag);
        }

        return Task.FromResult(etag);
    }

    public Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = (stateName, grainId);
        if (expectedEtag is null)
        {
            return _records.ContainsKey(key) ? Task.FromException(Conflict(stateName, grainId, expectedEtag)) : Task.CompletedTask;
        }

        if (!_records.TryGetValue(key, out var current) ||
            !string.Equals(current.Etag, expectedEtag, StringComparison.Ordinal) ||
            !_records.TryRemove(new KeyValuePair<(string, GrainId), GrainStateRecord>(key, current)))
        {
            return Task.FromException(Conflict(stateName, grainId, expectedEtag));
        }

        return Task.CompletedTask;
    }

    private InconsistentStateException Conflict(string stateName, GrainId grainId, string? expectedEtag)
    {
        var stored = _records.TryGetValue((stateName, grainId), out var current) ? current.Etag : null;
        return new InconsistentStateException(
            $"Stale ETag for state '{stateName}' of {grainId}: expected {expectedEtag ?? "no record"}, stored {stored ?? "no record"}.",
            stored,
            expectedEtag);
    }
}
