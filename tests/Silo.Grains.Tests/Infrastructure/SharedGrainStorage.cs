using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Silo.Grains.Tests.Infrastructure;

/// <summary>
/// Grain state that outlives any one silo of an in-process cluster (as Redis does for real silos), so a test can
/// kill the silo that held a grain and read what it had written. Writes and clears are ETag-checked like the
/// Redis provider's: a stale ETag raises <see cref="InconsistentStateException"/>. States are stored serialized,
/// so no silo shares an object with another.
/// </summary>
internal sealed class SharedGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), (byte[] Data, string ETag)> _records = new();

    public int Writes { get; private set; }

    /// <summary>Writes of this state name fail (as when the storage is out of reach) until set back to null.</summary>
    public string? FailingState { get; set; }

    /// <summary>Writes that failed because of <see cref="FailingState"/>.</summary>
    public int FailedWrites => Volatile.Read(ref _failedWrites);

    private int _failedWrites;

    /// <summary>
    /// Writes of this state name wait (as on a stalled Redis: the connection open, nothing answering) until
    /// <see cref="EndStall"/>; <see cref="StalledWrites"/> counts those that are waiting.
    /// </summary>
    public void StallWrites(string stateName)
    {
        _stall = (stateName, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Lets the stalled writes go on, and later ones through.</summary>
    public void EndStall()
    {
        var stall = _stall;
        _stall = null;
        stall?.Released.SetResult();
    }

    public int StalledWrites => Volatile.Read(ref _stalledWrites);

    private (string State, TaskCompletionSource Released)? _stall;
    private int _stalledWrites;

    /// <summary>Stores <paramref name="data"/> as <paramref name="grain"/>'s state, as an older version of the code would have written it.</summary>
    public void Put(string stateName, GrainId grain, byte[] data)
    {
        lock (_records)
        {
            _records[(stateName, grain)] = (data, Guid.NewGuid().ToString("N"));
        }
    }

    /// <summary>
    /// Rewrites <paramref name="grain"/>'s stored state as another writer would (another activation of the grain):
    /// <paramref name="change"/> gets what is stored and answers what to store instead, under a new ETag.
    /// </summary>
    public void Rewrite<T>(string stateName, GrainId grain, Serializer serializer, Func<T, T> change)
    {
        lock (_records)
        {
            var stored = serializer.Deserialize<T>(_records[(stateName, grain)].Data)!;
            _records[(stateName, grain)] = (serializer.SerializeToArray(change(stored)), Guid.NewGuid().ToString("N"));
        }
    }

    /// <summary>What is stored as <paramref name="grain"/>'s state.</summary>
    public T Read<T>(string stateName, GrainId grain, Serializer serializer)
    {
        lock (_records)
        {
            return serializer.Deserialize<T>(_records[(stateName, grain)].Data)!;
        }
    }

    /// <summary>The provider one silo registers, serializing with that silo's serializer.</summary>
    public IGrainStorage For(Serializer serializer) => new Provider(this, serializer);

    private sealed class Provider(SharedGrainStorage shared, Serializer serializer) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (shared._records.TryGetValue((stateName, grainId), out var record))
            {
                grainState.State = serializer.Deserialize<T>(record.Data);
                grainState.ETag = record.ETag;
                grainState.RecordExists = true;
            }
            else
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
            }

            return Task.CompletedTask;
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (string.Equals(shared.FailingState, stateName, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref shared._failedWrites);
                throw new IOException($"Storage of {stateName} is out of reach.");
            }

            if (shared._stall is { } stall && string.Equals(stall.State, stateName, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref shared._stalledWrites);
                await stall.Released.Task;
                Interlocked.Decrement(ref shared._stalledWrites);
            }

            var etag = Guid.NewGuid().ToString("N");
            var data = serializer.SerializeToArray(grainState.State);
            lock (shared._records)
            {
                Check(stateName, grainId, grainState.ETag);
                shared._records[(stateName, grainId)] = (data, etag);
                shared.Writes++;
            }

            grainState.ETag = etag;
            grainState.RecordExists = true;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            lock (shared._records)
            {
                Check(stateName, grainId, grainState.ETag);
                shared._records.TryRemove((stateName, grainId), out _);
            }

            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        private void Check(string stateName, GrainId grainId, string? expected)
        {
            var stored = shared._records.TryGetValue((stateName, grainId), out var record) ? record.ETag : null;
            if (!string.Equals(stored, expected, StringComparison.Ordinal))
            {
                throw new InconsistentStateException($"ETag mismatch for {grainId}/{stateName}", stored ?? "(none)", expected ?? "(none)");
            }
        }
    }
}
