using System.Collections.Frozen;
using Silo.Api.Cors;
using Silo.Grains.Cors;

namespace Silo.Api.Cors;

/// <summary>
/// The front end's copy of the origin directory. Read on every request that carries an Origin header;
/// refreshed by version at most once per <see cref="RefreshInterval"/> (one refresh in flight at a time),
/// so a browser flood costs one grain call per second, not one per request.
/// </summary>
public sealed class CorsTable(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How old the copy may be before a request triggers a refresh. The default value is 1 second.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Lookup _lookup = Lookup.Empty;
    private long _fetchedAt;
    private bool _loaded;
    private Task? _refreshing;

    /// <summary>Whether any tenant allows <paramref name="origin"/> (normalized): enough to answer a preflight.</summary>
    public async ValueTask<bool> AnyTenantAllowsAsync(string origin) =>
        (await CurrentAsync().ConfigureAwait(false)).AnyAllows(origin);

    /// <summary>Whether <paramref name="tenant"/> allows <paramref name="origin"/> (normalized).</summary>
    public async ValueTask<bool> TenantAllowsAsync(string tenant, string origin) =>
        (await CurrentAsync().ConfigureAwait(false)).Allows(tenant, origin);

    private ValueTask<Lookup> CurrentAsync()
    {
        var loaded = Volatile.Read(ref _loaded);
        if (loaded && time.GetElapsedTime(Volatile.Read(ref _fetchedAt)) < RefreshInterval)
        {
            return ValueTask.FromResult(Volatile.Read(ref _lookup));
        }

        Task refresh;
        TaskCompletionSource? mine = null;
        lock (_lock)
        {
            if (_refreshing is null)
            {
                mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _refreshing = mine.Task;
            }

            refresh = _refreshing;
        }

        // Started outside the lock: a refresh that completes synchronously must find the slot taken to clear it.
        if (mine is not null)
        {
            _ = RefreshAsync(mine);
        }

        // The first requests wait for the first copy; later ones use the stale copy while it refreshes.
        return loaded ? ValueTask.FromResult(Volatile.Read(ref _lookup)) : new ValueTask<Lookup>(AwaitFirstAsync(refresh));
    }

    private async Task<Lookup> AwaitFirstAsync(Task refresh)
    {
        await refresh.ConfigureAwait(false);
        return Volatile.Read(ref _lookup);
    }

    private async Task RefreshAsync(TaskCompletionSource done)
    {
        Exception? failure = null;
        try
        {
            var known = Volatile.Read(ref _lookup);
            var snapshot = await grains.GetGrain<ICorsDirectoryGrain>(ICorsDirectoryGrain.Key).GetIfNewerAsync(known.Version).ConfigureAwait(false);
            if (snapshot is not null)
            {
                Volatile.Write(ref _lookup, Lookup.From(snapshot));
            }

            Volatile.Write(ref _fetchedAt, time.GetTimestamp());
            Volatile.Write(ref _loaded, true);
        }
        catch (Exception ex) when (!Volatile.Read(ref _loaded))
        {
            // Nothing to serve yet: the waiting requests fail (503) and the next one tries again.
            failure = ex;
        }
        catch (Exception)
        {
            // Keep the stale copy; the next request past the interval tries again.
        }

        lock (_lock)
        {
            _refreshing = null;
        }

        if (failure is null)
        {
            done.SetResult();
        }
        else
        {
            done.SetException(failure);
        }
    }

    private sealed class Lookup(long version, FrozenDictionary<string, FrozenSet<string>> tenantsByOrigin, FrozenSet<string> anyOrigin)
    {
        public static readonly Lookup Empty = new(0, FrozenDictionary<string, FrozenSet<string>>.Empty, FrozenSet<string>.Empty);

        public long Version { get; } = version;

        public bool AnyAllows(string origin) => anyOrigin.Count > 0 || tenantsByOrigin.ContainsKey(origin);

        public bool Allows(string tenant, string origin) =>
            anyOrigin.Contains(tenant) || (tenantsByOrigin.TryGetValue(origin, out var tenants) && tenants.Contains(tenant));

        public static Lookup From(CorsSnapshot snapshot)
        {
            var byOrigin = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var any = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (tenant, origins) in snapshot.OriginsByTenant)
            {
                foreach (var origin in origins)
                {
                    if (origin == CorsOrigins.Any)
                    {
                        any.Add(tenant);
                    }
                    else if (byOrigin.TryGetValue(origin, out var set))
                    {
                        set.Add(tenant);
                    }
                    else
                    {
                        byOrigin[origin] = new HashSet<string>(StringComparer.Ordinal) { tenant };
                    }
                }
            }

            return new Lookup(
                snapshot.Version,
                byOrigin.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal),
                any.ToFrozenSet(StringComparer.Ordinal));
        }
    }
}
