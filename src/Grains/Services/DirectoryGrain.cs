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

    public Task AddAsync(string id) => ChangeAsync(id, add: true);

    public Task RemoveAsync(string id) => ChangeAsync(id, add: false);

    private async Task ChangeAsync(string id, bool add)
    {
        ArgumentNullException.ThrowIfNull(id);
        _ids ??= new HashSet<string>(state.State.Ids, StringComparer.Ordinal);
        if (add ? !_ids.Add(id) : !_ids.Remove(id))
        {
            return;
        }

        // Only a stored change is a change: when the write fails, the index is as before, and the same call again writes.
        var (ids, version) = (state.State.Ids, state.State.Version);
        state.State.Ids = add ? [.. ids, id] : [.. ids.Where(i => !string.Equals(i, id, StringComparison.Ordinal))];
        state.State.Version = version + 1;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (state.State.Ids, state.State.Version) = (ids, version);
            _ = add ? _ids.Remove(id) : _ids.Add(id);
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
