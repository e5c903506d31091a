using Silo.Grains.CircuitBreaking;
using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

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

    internal ServiceRoute(RoutingSnapshot snapshot, EndpointLoad[] endpoints, IEndpointPicker picker, long now, long frequency)
    {
        Snapshot = snapshot;
        _endpoints = endpoints;
        _picker = picker;
        _openUntil = now + (long)(snapshot.CircuitRetryAfterMilliseconds / 1000.0 * frequency);
    }

    public RoutingSnapshot Snapshot { get; }

    public SnapshotStamp Stamp => new(Snapshot.Epoch, Snapshot.Version);

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

    /// <summary>The next endpoint by the service's policy, or null when none is available.</summary>
    public EndpointLoad? Pick() => _endpoints.Length == 0 ? null : _endpoints[_picker.Pick(_endpoints)];
}
