namespace Silo.Grains.Telemetry;

/// <summary>
/// A front end as the others reach it (Orleans grain observer, registered with <see cref="IFrontEndRegistryGrain"/>):
/// its record of the traffic it served, second by second, read and added up by the console's front end; and its
/// response cache, purged by the front end an operator asks.
/// </summary>
[Alias("silo.ITrafficSource")]
public interface ITrafficSource : IGrainObserver
{
    /// <summary>What this front end recorded of one tenant, key or service over <paramref name="seconds"/> seconds from the Unix second <paramref name="firstSecond"/>.</summary>
    [Alias("Read")]
    Task<TrafficWindow> ReadAsync(TrafficKind kind, string id, long firstSecond, int seconds);

    /// <summary>Removes the service's entries from this front end's response cache (targets starting with <paramref name="prefix"/>, or all); how many.</summary>
    [Alias("PurgeCache")]
    Task<int> PurgeCacheAsync(string service, string? prefix);
}
