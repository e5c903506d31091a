using System.Diagnostics.Metrics;
using Silo.Api.Telemetry;

namespace Silo.Api.Caching;

/// <summary>The response cache's instruments, on the gateway's meter: lookups by result and what was stored, per service.</summary>
public sealed class CacheMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _evictions;

    public CacheMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(GatewayMetrics.MeterName);
        _requests = meter.CreateCounter<long>("silo.gateway.cache.requests", "{request}", "Requests of services with a cache policy, by result: hit, miss, bypass (the request may not be answered from the cache) or revalidated (a stale entry the downstream confirmed with a 304).");
        _evictions = meter.CreateCounter<long>("silo.gateway.cache.evictions", "{entry}", "Entries taken out of this front end's cache to make room for another of the same tenant.");
        _stored = meter.CreateCounter<long>("silo.gateway.cache.stored", "By", "Bytes of responses stored in this front end's cache.");
    }

    public void Request(string service, string result) =>
        _requests.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("result", result));

    public void Evicted(long entries)
    {
        if (entries > 0)
        {
            _evictions.Add(entries);
        }
    }

    public void Stored(string service, long bytes) => _stored.Add(bytes, new KeyValuePair<string, object?>("service", service));
}
