namespace Silo.Grains.Services;

/// <summary>
/// Keeps one index of ids (<see cref="IDirectoryGrain"/>); written through when an id is added or removed. The grain type
/// keeps the name it had when it indexed services only, so the stored service index is still found.
/// </summary>
[GrainType("servicedirectory")]
public sealed class DirectoryGrain([PersistentState("service-directory")] IPersistentState<DirectoryState> state) : Grain, IDirectoryGrain
{
    private HashSet<string>? _ids;
    private DirectorySnapshot? _snapshot;

    public async Task AddAsync(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _ids ??= new HashSet<string>(state.State.Ids, StringComparer.Ordinal);
        if (!_ids.Add(id))
        {
            return;
        }

        // Only a stored change is a change: when the write fails, the index is as before, and adding again writes.
        var (ids, version) = (state.State.Ids, state.State.Version);
        state.State.Ids = [.. ids, id];
        state.State.Version = version + 1;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (state.State.Ids, state.State.Version) = (ids, version);
            _ids.Remove(id);
            throw;
        }

        _snapshot = null;
    }

    public async Task RemoveAsync(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _ids ??= new HashSet<string>(state.State.Ids, StringComparer.Ordinal);
        if (!_ids.Remove(id))
        {
            return;
        }

        var (ids, version) = (state.State.Ids, state.State.Version);
        state.State.Ids = [.. ids.Where(i => !string.Equals(i, id, StringComparison.Ordinal))];
        state.State.Version = version + 1;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (state.State.Ids, state.State.Version) = (ids, version);
            _ids.Add(id);
            throw;
        }

        _snapshot = null;
    }

    public Task<DirectorySnapshot?> GetIfNewerAsync(long knownVersion)
    {
        if (state.State.Version <= knownVersion)
        {
            return Task.FromResult<DirectorySnapshot?>(null);
        }

        _snapshot ??= new DirectorySnapshot(state.State.Version, state.State.Ids);
        return Task.FromResult<DirectorySnapshot?>(_snapshot);
    }
}
