using System.Collections.Concurrent;
using Silo.Grains.Admission;
using Silo.Grains.CircuitBreaking;
using Silo.Grains.Telemetry;

namespace Silo.Api.Telemetry;

/// <summary>
/// What this front end served in the last <see cref="Seconds"/> seconds, per tenant, key and service, second by
/// second, for the console's plots (<see cref="ITrafficSource"/>: the console's front end reads every front end's
/// and adds them up). In memory only: a record is a few counters per second, kept for at most
/// <see cref="MaxSubjects"/> subjects; one with nothing recorded for <see cref="Seconds"/> seconds is dropped by
/// the next sweep, and while the table is full a new subject is not recorded until a sweep makes room.
/// </summary>
public sealed class TrafficHistory(TimeProvider time)
{
    /// <summary>How many seconds are kept: 5 minutes.</summary>
    public const int Seconds = 300;

    /// <summary>How many tenants, keys and services are recorded at most.</summary>
    public const int MaxSubjects = 20_000;

    private readonly ConcurrentDictionary<(TrafficKind Kind, string Id), TrafficRing> _rings = new();

    /// <summary>The Unix second now, on this front end's clock.</summary>
    public long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>An admission decision of a key and its tenant: admitted, or refused by a limit (other refusals are not traffic).</summary>
    public void Admission(AdmissionResult result, string? keyId)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (admitted, limited) = result.Status switch
        {
            AdmissionStatus.Allowed => (1, 0),
            AdmissionStatus.Limited => (0, 1),
            _ => (0, 0),
        };
        if (admitted + limited == 0)
        {
            return;
        }

        var now = Now;
        if (keyId is not null)
        {
            Ring(TrafficKind.Key, keyId)?.Add(now, admitted, limited);
        }

        if (result.TenantId is { } tenant)
        {
            Ring(TrafficKind.Tenant, tenant)?.Add(now, admitted, limited);
        }
    }

    /// <summary>An attempt sent to one of a service's endpoints that was answered (or failed), and how long it took.</summary>
    public void Attempt(string service, bool failed, TimeSpan elapsed) =>
        Ring(TrafficKind.Service, service)?.Add(Now, 1, failed ? 1 : 0, LatencyBuckets.Of(elapsed));

    /// <summary>The circuit state this front end sees for a service (recorded when it changes).</summary>
    public void Circuit(string service, CircuitState state) => Ring(TrafficKind.Service, service)?.Circuit(Now, CircuitCode.Of(state));

    /// <inheritdoc />
    public Task<TrafficWindow> ReadAsync(TrafficKind kind, string id, long firstSecond, int seconds) => Task.FromResult(Read(kind, id, firstSecond, seconds));

    /// <summary>What this front end recorded of one subject; empty when nothing.</summary>
    public TrafficWindow Read(TrafficKind kind, string id, long firstSecond, int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, Seconds);
        return _rings.TryGetValue((kind, id), out var ring)
            ? ring.Read(firstSecond, seconds)
            : TrafficWindow.Empty(firstSecond, seconds, kind == TrafficKind.Service);
    }

    /// <summary>Drops the subjects with nothing recorded for <see cref="Seconds"/> seconds; answers how many are left.</summary>
    public int Sweep()
    {
        var horizon = Now - Seconds;
        foreach (var (subject, ring) in _rings)
        {
            if (ring.LastSecond < horizon)
            {
                _rings.TryRemove(KeyValuePair.Create(subject, ring));
            }
        }

        return _rings.Count;
    }

    private TrafficRing? Ring(TrafficKind kind, string id) =>
        _rings.TryGetValue((kind, id), out var ring) ? ring
        : _rings.Count >= MaxSubjects ? null
        : _rings.GetOrAdd((kind, id), static (subject, service) => new TrafficRing(service), kind == TrafficKind.Service);
}
