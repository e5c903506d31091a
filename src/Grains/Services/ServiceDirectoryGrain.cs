namespace Silo.Grains.Services;

/// <summary>Keeps the cluster's index of service ids; written through when a service is added.</summary>
public sealed class ServiceDirectoryGrain([PersistentState("service-directory")] IPersistentState<ServiceDirectoryState> state) : Grain, IServiceDirectoryGrain
{
    private HashSet<string>? _ids;
    private ServiceDirectorySnapshot? _snapshot;

    public async Task AddAsync(string serviceId)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        _ids ??= new HashSet<string>(state.State.ServiceIds, StringComparer.Ordinal);
        if (!_ids.Add(serviceId))
        {
            return;
        }

        state.State.ServiceIds = [.. state.State.ServiceIds, serviceId];
        state.State.Version++;
        _snapshot = null;
        await state.WriteStateAsync();
    }

    public Task<ServiceDirectorySnapshot?> GetIfNewerAsync(long knownVersion)
    {
        if (state.State.Version <= knownVersion)
        {
            return Task.FromResult<ServiceDirectorySnapshot?>(null);
        }

        _snapshot ??= new ServiceDirectorySnapshot(state.State.Version, state.State.ServiceIds);
        return Task.FromResult<ServiceDirectorySnapshot?>(_snapshot);
    }
}
