using Silo.Api.Forwarding;
using Silo.Grains.CircuitBreaking;
using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Api.LoadBalancing;

namespace Silo.Api.Routing;

/// <summary>
/// A routing snapshot as one front end uses it: the endpoints with this front end's in-flight counts, the
/// service's picker, and the breaker's state with its deadline on this front end's clock.
/// </summary>
public sealed class ServiceRoute
{
    private readonly EndpointLoad[] _endpoints;
    private readonly IEndpointPicker _picker;
    private readonly long _openUntil;
    private long _probeRefusedUntil;

    internal ServiceRoute(RoutingSnapshot snapshot, EndpointLoad[] endpoints, IEndpointPicker picker, RetryBudget budget, long now, long frequency)
    {
        Snapshot = snapshot;
        Budget = budget;
        _endpoints = endpoints;
        _picker = picker;
        AvailableEndpoints = snapshot.Endpoints.Count(e => !e.PanicOnly);
        _openUntil = now + (long)(snapshot.CircuitRetryAfterMilliseconds / 1000.0 * frequency);
    }

    public RoutingSnapshot Snapshot { get; }

    /// <summary>How many endpoints are available now (healthy, not ejected, not draining).</summary>
    public int AvailableEndpoints { get; }

    /// <summary>
    /// Whether the service is in panic: fewer endpoints available than its panic threshold, so requests are sent
    /// to every endpoint not draining (the snapshot lists them all), available or not.
    /// </summary>
    public bool Panic => Snapshot.Panic;

    public SnapshotStamp Stamp => new(Snapshot.Epoch, Snapshot.Version);

    /// <summary>The service's retry budget on this front end (kept across snapshots).</summary>
    public RetryBudget Budget { get; }

    /// <summary>What the breaker allows at <paramref name="now"/> (a timestamp); <paramref name="retryAfter"/> when it refuses.</summary>
    public CircuitDecision Decide(long now, long frequency, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        switch (Snapshot.Circuit)
        {
            case CircuitState.Closed:
                return CircuitDecision.Pass;
            case CircuitState.Isolated:
                retryAfter = TimeSpan.FromMilliseconds(Math.Max(1000, Snapshot.CircuitRetryAfterMilliseconds));
                return CircuitDecision.Refuse;
            case CircuitState.Open when now < _openUntil:
                retryAfter = TimeSpan.FromSeconds((_openUntil - now) / (double)frequency);
                return CircuitDecision.Refuse;
            default:
                // The break is over here (Open past its deadline, or HalfOpen): one probe may go, cluster-wide.
                var refusedUntil = Volatile.Read(ref _probeRefusedUntil);
                if (now < refusedUntil)
                {
                    retryAfter = TimeSpan.FromSeconds((refusedUntil - now) / (double)frequency);
                    return CircuitDecision.Refuse;
                }

                return CircuitDecision.Probe;
        }
    }

    /// <summary>The grain refused this front end a probe: refuse locally until <paramref name="until"/>.</summary>
    public void ProbeRefused(long until) => Volatile.Write(ref _probeRefusedUntil, until);

    /// <summary>How many endpoints requests are picked from (those available, or in panic every one not draining).</summary>
    public int EndpointCount => _endpoints.Length;

    /// <summary>The next endpoint by the service's policy (among every endpoint not draining in panic), or null when there is none.</summary>
    public EndpointLoad? Pick() => _endpoints.Length == 0 ? null : _endpoints[_picker.Pick(_endpoints)];

    /// <summary>An endpoint for a retry: another one than <paramref name="previous"/> when the service has several.</summary>
    public EndpointLoad? PickOther(EndpointLoad previous)
    {
        for (var i = 0; i < 3 && _endpoints.Length > 1; i++)
        {
            var candidate = Pick();
            if (!ReferenceEquals(candidate, previous))
            {
                return candidate;
            }
        }

        return Array.Find(_endpoints, e => !ReferenceEquals(e, previous)) ?? Pick();
    }
}
