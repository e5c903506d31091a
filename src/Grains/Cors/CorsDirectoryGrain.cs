namespace Silo.Grains.Cors;

/// <summary>Keeps the cluster's index of allowed origins; written through on every change.</summary>
public sealed class CorsDirectoryGrain([PersistentState("cors")] IPersistentState<CorsDirectoryState> state) : Grain, ICorsDirectoryGrain
{
    private CorsSnapshot? _snapshot;

    public async Task SetTenantAsync(string tenantId, IReadOnlyList<string> origins)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(origins);
        var current = state.State.OriginsByTenant;
        if (origins.Count == 0 ? !current.Remove(tenantId) : current.TryGetValue(tenantId, out var known) && known.SequenceEqual(origins, StringComparer.Ordinal))
        {
            return;
        }

        if (origins.Count > 0)
        {
            current[tenantId] = [.. origins];
        }

        state.State.Version++;
        _snapshot = null;
        await state.WriteStateAsync();
    }

    public Task<CorsSnapshot?> GetIfNewerAsync(long knownVersion)
    {
        if (state.State.Version <= knownVersion)
        {
            return Task.FromResult<CorsSnapshot?>(null);
        }

        _snapshot ??= new CorsSnapshot(state.State.Version, new Dictionary<string, IReadOnlyList<string>>(state.State.OriginsByTenant, StringComparer.Ordinal));
        return Task.FromResult<CorsSnapshot?>(_snapshot);
    }
}
