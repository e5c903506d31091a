namespace Silo.Grains.Telemetry;

/// <summary>
/// A front end's record of the traffic it served, second by second (Orleans grain observer): read by the console's
/// front end from every front end registered with <see cref="IFrontEndRegistryGrain"/>, and added up.
/// </summary>
[Alias("silo.ITrafficSource")]
public interface ITrafficSource : IGrainObserver
{
    /// <summary>What this front end recorded of one tenant, key or service over <paramref name="seconds"/> seconds from the Unix second <paramref name="firstSecond"/>.</summary>
    [Alias("Read")]
    Task<TrafficWindow> ReadAsync(TrafficKind kind, string id, long firstSecond, int seconds);
}
