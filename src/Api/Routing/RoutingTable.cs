using System.Collections.Concurrent;
using Silo.Api.Forwarding;
using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Api.LoadBalancing;
using Silo.Api.Telemetry;
using Silo.Grains.CircuitBreaking;

namespace Silo.Api.Routing;

/// <summary>
/// The front end's cache of routing snapshots, so a proxied request does not call the service grain.
/// A snapshot older than <see cref="RefreshInterval"/> is served while one refresh (a cheap "changed since
/// this stamp?" call) runs in the background; an outcome report or probe that sees a newer stamp refreshes at
/// once. Only services the <see cref="ServiceCatalog"/> lists are looked up and kept, so made-up ids cost
/// neither a grain activation nor an entry here. Endpoint in-flight counts and pickers survive refreshes.
/// </summary>
public sealed class RoutingTable
{
    private readonly IGrainFactory grains;
    private readonly ServiceCatalog catalog;
    private readonly GatewayMetrics metrics;
    private readonly TrafficHistory traffic;
    private readonly TimeProvider time;

    public RoutingTable(IGrainFactory grains, ServiceCatalog catalog, GatewayMetrics metrics, TrafficHistory traffic, TimeProvider time)
    {
        this.traffic = traffic;
        this.grains = grains;
        this.catalog = catalog;
        this.metrics = metrics;
        this.time = time;
        metrics.ObserveRoutes(() => _entries
            .Select(e => (e.Key, e.Value.Route))
            .Where(e => e.Route is not null)
            .Select(e => (e.Key, e.Route!.Snapshot.Circuit is CircuitState.Open or CircuitState.Isolated, e.Route.AvailableEndpoints, e.Route.Panic)));
    }

    /// <summary>How old a snapshot may be before it is refreshed. The default value is 1 second.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // The circuit state last seen per routed service (only real services get entries, so this stays small).
    private readonly ConcurrentDictionary<string, CircuitState> _circuits = new(StringComparer.Ordinal);

    /// <summary>The service's route if this front end holds it (no grain call), else null: see <see cref="GetAsync"/>.</summary>
    public ServiceRoute? TryGetCached(string serviceId)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        if (!_entries.TryGetValue(serviceId, out var entry))
        {
            return null;
        }

        if (time.GetElapsedTime(entry.FetchedAt) >= RefreshInterval && entry.TryBeginRefresh())
        {
            _ = RefreshAsync(serviceId, entry);
        }

        return entry.Route;
    }

    /// <summary>The service's route, or null when no such service exists.</summary>
    public async ValueTask<ServiceRoute?> GetAsync(string serviceId)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        if (_entries.ContainsKey(serviceId))
        {
            return TryGetCached(serviceId);
        }

        if (!await catalog.ExistsAsync(serviceId).ConfigureAwait(false))
        {
            return null;
        }

        var snapshot = await grains.GetGrain<IServiceGrain>(serviceId).GetSnapshotAsync().ConfigureAwait(false);
        var fresh = new Entry(serviceId, time.GetTimestamp(), new RetryBudget(time), ObserveCircuit);
        fresh.Apply(snapshot, time);
        return _entries.GetOrAdd(serviceId, fresh).Route;
    }

    /// <summary>Drops the cached route so the next request fetches it (after a change made through this front end).</summary>
    public void Invalidate(string serviceId)
    {
        _entries.TryRemove(serviceId, out _);
        catalog.Invalidate();
    }

    /// <summary>How many services this front end holds routes for (tests).</summary>
    internal int Count => _entries.Count;

    /// <summary>The grain reported <paramref name="stamp"/>: refresh now unless the cached route already has it.</summary>
    public void Observe(string serviceId, SnapshotStamp stamp)
    {
        if (_entries.TryGetValue(serviceId, out var entry) && entry.Route?.Stamp != stamp && entry.TryBeginRefresh())
        {
            _ = RefreshAsync(serviceId, entry);
        }
    }

    private async Task RefreshAsync(string serviceId, Entry entry)
    {
        try
        {
            // A service deleted (through any front end) has left the directory: its route goes, and the next
            // request for it is answered 404 like any unknown id.
            if (!await catalog.ExistsAsync(serviceId).ConfigureAwait(false))
            {
                _entries.TryRemove(KeyValuePair.Create(serviceId, entry));
                return;
            }

            var grain = grains.GetGrain<IServiceGrain>(serviceId);
            var snapshot = entry.Route is { } route
                ? await grain.GetSnapshotIfChangedAsync(route.Stamp).ConfigureAwait(false)
                : await grain.GetSnapshotAsync().ConfigureAwait(false);
            if (snapshot is not null || entry.Route is null)
            {
                entry.Apply(snapshot, time);
            }

            entry.FetchedAt = time.GetTimestamp();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Keep serving the stale snapshot; the next request past the interval tries again.
        }
        finally
        {
            entry.EndRefresh();
        }
    }

    /// <summary>Counts a change of the service's circuit state as this front end sees it (across invalidations too).</summary>
    private void ObserveCircuit(string service, CircuitState state)
    {
        var previous = _circuits.GetValueOrDefault(service, CircuitState.Closed);
        _circuits[service] = state;
        traffic.Circuit(service, state);
        if (previous != state)
        {
            metrics.CircuitChanged(service, state.ToString().ToLowerInvariant());
        }
    }

    private sealed class Entry(string service, long fetchedAt, RetryBudget budget, Action<string, CircuitState> observeCircuit)
    {
        private Dictionary<(string Url, int Weight), EndpointLoad> _loads = [];
        private ServiceRoute? _route;
        private IEndpointPicker? _picker;
        private LoadBalancingPolicy _policy;
        private long _fetchedAt = fetchedAt;
        private int _refreshing;

        public ServiceRoute? Route => Volatile.Read(ref _route);

        public long FetchedAt
        {
            get => Volatile.Read(ref _fetchedAt);
            set => Volatile.Write(ref _fetchedAt, value);
        }

        public bool TryBeginRefresh() => Interlocked.Exchange(ref _refreshing, 1) == 0;

        public void EndRefresh() => Volatile.Write(ref _refreshing, 0);

        /// <summary>Builds the route of a new snapshot, keeping the in-flight counts and the picker's position.</summary>
        public void Apply(RoutingSnapshot? snapshot, TimeProvider time)
        {
            if (snapshot is null)
            {
                Volatile.Write(ref _route, null);
                return;
            }

            observeCircuit(service, snapshot.Circuit);

            // Applied by one refresh at a time (or before the entry is shared), so no lock is needed here.
            if (_picker is null || _policy != snapshot.LoadBalancing)
            {
                _picker = EndpointPickers.Create(snapshot.LoadBalancing);
                _policy = snapshot.LoadBalancing;
            }

            var loads = new EndpointLoad[snapshot.Endpoints.Count];
            var kept = new Dictionary<(string Url, int Weight), EndpointLoad>(loads.Length);
            for (var i = 0; i < loads.Length; i++)
            {
                var e = snapshot.Endpoints[i];
                if (!_loads.TryGetValue((e.Url, e.Weight), out var load))
                {
                    load = new EndpointLoad(e.Url, e.Weight);
                }

                kept[(e.Url, e.Weight)] = load;
                loads[i] = load;
            }

            _loads = kept;

            Volatile.Write(ref _route, new ServiceRoute(snapshot, loads, _picker, budget, time.GetTimestamp(), time.TimestampFrequency));
        }
    }
}
