using Silo.Api.Caching;
using Silo.Grains.Telemetry;

namespace Silo.Api.Telemetry;

/// <summary>This front end as the others reach it (the object registered with <see cref="IFrontEndRegistryGrain"/>).</summary>
internal sealed class FrontEndPeer(TrafficHistory history, ResponseCache cache) : ITrafficSource
{
    public Task<TrafficWindow> ReadAsync(TrafficKind kind, string id, long firstSecond, int seconds) => history.ReadAsync(kind, id, firstSecond, seconds);

    public Task<int> PurgeCacheAsync(string service, string? prefix) => Task.FromResult(cache.Purge(service, prefix));
}
