using System.Collections.Concurrent;
using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Runtime;

namespace Silo.Api.Routing;

/// <summary>
/// The front end's cache of routing snapshots, so a proxied request does not call the service grain.
/// A snapshot older than <see cref="RefreshInterval"/> is served while one refresh runs in the background;
/// unknown services are cached too (briefly), so a flood of requests to a missing service costs one grain
/// call per interval, not one per request.
/// </summary>
public sealed class RoutingTable(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How old a snapshot may be before it is refreshed. The default value is 1 second.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The service's route, or null when no such service exists.</summary>
    public async ValueTask<ServiceRoute?> GetAsync(string serviceId)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        if (_entries.TryGetValue(serviceId, out var entry))
        {
            if (time.GetElapsedTime(entry.FetchedAt) >= RefreshInterval && entry.TryBeginRefresh())
            {
                _ = RefreshAsync(serviceId, entry);
            }

            return entry.Route;
        }

        var fresh = await FetchAsync(serviceId).ConfigureAwait(false);
        return _entries.GetOrAdd(serviceId, fresh).Route;
    }

    /// <summary>Drops the cached route so the next request fetches it (after a change made through this front end).</summary>
    public void Invalidate(string serviceId) => _entries.TryRemove(serviceId, out _);

    private async Task RefreshAsync(string serviceId, Entry stale)
    {
        try
        {
            var fresh = await FetchAsync(serviceId).ConfigureAwait(false);
            // Keep the picker (round-robin position) when the snapshot did not change.
            if (stale.Route is { } route && fresh.Route is { } next && route.Snapshot.Version == next.Snapshot.Version)
            {
                fresh = new Entry(route, fresh.FetchedAt);
            }

            _entries.TryUpdate(serviceId, fresh, stale);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Keep serving the stale snapshot; the next request past the interval tries again.
            stale.EndRefresh();
        }
    }

    private async Task<Entry> FetchAsync(string serviceId)
    {
        var snapshot = await grains.GetGrain<IServiceGrain>(serviceId).GetSnapshotAsync().ConfigureAwait(false);
        return new Entry(snapshot is null ? null : new ServiceRoute(snapshot), time.GetTimestamp());
    }

    private sealed class Entry(ServiceRoute? route, long fetchedAt)
    {
        private int _refreshing;

        public ServiceRoute? Route { get; } = route;

        public long FetchedAt { get; } = fetchedAt;

        public bool TryBeginRefresh() => Interlocked.Exchange(ref _refreshing, 1) == 0;

        public void EndRefresh() => Volatile.Write(ref _refreshing, 0);
    }
}
