namespace Silo.Grains.Health;

/// <summary>
/// The standing of a service's endpoints by active health checks: a healthy endpoint becomes unhealthy after
/// <see cref="ActiveHealthCheckOptions.UnhealthyThreshold"/> failed checks in a row, an unhealthy one healthy
/// after <see cref="ActiveHealthCheckOptions.HealthyThreshold"/> passed checks in a row. Pure: the grain
/// runs the checks on its timer and feeds the results in.
/// </summary>
/// <remarks>
/// New endpoints start healthy, so a newly registered service takes traffic before its first check; passive
/// outlier detection and the circuit breaker cover an endpoint that is down from the start. Not thread-safe:
/// it runs inside the service grain's turns.
/// </remarks>
public sealed class ActiveHealthTracker
{
    private Dictionary<string, EndpointCheckState> _endpoints = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Creates a tracker with every endpoint healthy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of the range its documentation states; the message names it.</exception>
    public ActiveHealthTracker(ActiveHealthCheckOptions options, IEnumerable<string> endpoints)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Options = options;
        SetEndpoints(endpoints);
    }

    /// <summary>The settings this tracker runs with.</summary>
    public ActiveHealthCheckOptions Options { get; }

    /// <summary>Grows by one whenever an endpoint's standing or the set of endpoints changes.</summary>
    public long Version => _version;

    /// <summary>How many endpoints are healthy now.</summary>
    public int HealthyCount => _endpoints.Values.Count(s => s.Health == EndpointHealth.Healthy);

    /// <summary>
    /// Replaces the set of endpoints: endpoints that stay keep their standing, new ones start healthy, removed
    /// ones are forgotten.
    /// </summary>
    public void SetEndpoints(IEnumerable<string> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var next = new Dictionary<string, EndpointCheckState>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            ArgumentException.ThrowIfNullOrEmpty(endpoint, nameof(endpoints));
            next[endpoint] = _endpoints.TryGetValue(endpoint, out var state) ? state : new EndpointCheckState();
        }

        _endpoints = next;
        _version++;
    }

    /// <summary>Records the result of one check of <paramref name="endpoint"/>.</summary>
    /// <returns>True when this result changed the endpoint's standing; false otherwise, including for an unknown endpoint.</returns>
    public bool RecordCheck(string endpoint, bool passed)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!_endpoints.TryGetValue(endpoint, out var state))
        {
            return false;
        }

        var agrees = passed == (state.Health == EndpointHealth.Healthy);
        if (agrees)
        {
            state.Run = 0;
            return false;
        }

        state.Run++;
        var threshold = passed ? Options.HealthyThreshold : Options.UnhealthyThreshold;
        if (state.Run < threshold)
        {
            return false;
        }

        state.Health = passed ? EndpointHealth.Healthy : EndpointHealth.Unhealthy;
        state.Run = 0;
        _version++;
        return true;
    }

    /// <summary>The standing of <paramref name="endpoint"/>.</summary>
    /// <exception cref="KeyNotFoundException">Not one of the endpoints.</exception>
    public EndpointHealth GetHealth(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _endpoints[endpoint].Health;
    }

    /// <summary>Whether <paramref name="endpoint"/> is healthy; false for an unknown endpoint.</summary>
    public bool IsHealthy(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _endpoints.TryGetValue(endpoint, out var state) && state.Health == EndpointHealth.Healthy;
    }

    private static void Validate(ActiveHealthCheckOptions options)
    {
        if (string.IsNullOrEmpty(options.Path) || options.Path[0] != '/')
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Path, "Path must be an absolute path starting with '/'.");
        }

        if (options.Interval < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Interval, "Interval must be at least 1 second.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > options.Interval)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "Timeout must be more than zero and at most Interval.");
        }

        if (options.HealthyThreshold < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HealthyThreshold, "HealthyThreshold must be at least 1.");
        }

        if (options.UnhealthyThreshold < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.UnhealthyThreshold, "UnhealthyThreshold must be at least 1.");
        }
    }
}
