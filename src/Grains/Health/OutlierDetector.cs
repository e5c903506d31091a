namespace Silo.Grains.Health;

/// <summary>
/// Passive outlier detection for the endpoints of one service, driven by the outcomes front ends report in
/// batches: an endpoint that fails <see cref="OutlierDetectionOptions.ConsecutiveFailures"/> calls in a row is
/// ejected (taken out of the routing snapshot) for a while, and admitted again when that while has passed.
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> Not thread-safe: it lives in the service grain and runs inside its turns.</para>
/// <para><b>Consecutive failures across front ends.</b> Batches are applied in arrival order: a batch with a
/// success restarts the run at its <see cref="EndpointOutcomes.TrailingFailures"/>, a batch of failures only
/// extends it. A run that begins and ends inside one batch, between two successes, is not seen; a batch spans
/// a flush interval of the front end, so the run counts at that granularity.</para>
/// <para><b>Ejection time.</b> The n-th ejection in a row lasts <c>BaseEjectionTime × n</c>, at most
/// <c>MaxEjectionTime</c>. Like Envoy, n falls by one for every full <c>BaseEjectionTime</c> the endpoint then
/// stays admitted, so an endpoint that recovered for good starts again from the base time. On admission its
/// failure run restarts at zero; outcomes reported while it is ejected (calls forwarded before front ends saw
/// the ejection) are ignored.</para>
/// <para><b>Ejection cap.</b> With <c>n</c> endpoints and <c>p = MaxEjectionPercent</c>, at most
/// <c>clamp(⌊n × p ÷ 100⌋, 1, n − 1)</c> endpoints are ejected at once: like Envoy, one endpoint may always be
/// ejected even when the percentage rounds down to none, but, unlike Envoy's panic mode, the last endpoint is
/// never ejected: a single-endpoint service is never ejected at all, and a service that fails everywhere is
/// the circuit breaker's business. <c>p = 0</c> turns ejection off. An endpoint over the threshold that the cap
/// holds back keeps its run and is ejected on its next failure once there is room.</para>
/// <para><b>Active health checks.</b> With <see cref="OutlierDetectionOptions.UnejectOnHealthyCheck"/> (the
/// default), a check that finds an ejected endpoint healthy ends its ejection at once, as Envoy's
/// <c>successful_active_health_check_uneject_host</c> does: the ejection timer is a guess at how long a failure
/// lasts, the check is evidence that it is over. Like Envoy, the multiplier is kept (it decays from then on), so
/// an endpoint whose health path passes while its real calls keep failing is ejected again, for longer each time.</para>
/// </remarks>
public sealed class OutlierDetector
{
    private readonly TimeProvider _time;
    private readonly long _baseTicks;
    private readonly long _maxTicks;
    private Dictionary<string, EndpointOutlierState> _endpoints = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Creates a detector with every endpoint admitted.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of the range its documentation states; the message names it.</exception>
    public OutlierDetector(OutlierDetectionOptions options, TimeProvider timeProvider, IEnumerable<string> endpoints)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Validate(options);
        Options = options;
        _time = timeProvider;
        _baseTicks = ToTicks(options.BaseEjectionTime);
        _maxTicks = ToTicks(options.MaxEjectionTime);
        SetEndpoints(endpoints);
    }

    /// <summary>The settings this detector runs with.</summary>
    public OutlierDetectionOptions Options { get; }

    /// <summary>Grows by one at every ejection and admission (time-driven admissions once observed), so a grain can tell when to publish a new routing snapshot.</summary>
    public long Version
    {
        get
        {
            Refresh(_time.GetTimestamp());
            return _version;
        }
    }

    /// <summary>How many endpoints are ejected now.</summary>
    public int EjectedCount
    {
        get
        {
            Refresh(_time.GetTimestamp());
            return CountEjected();
        }
    }

    /// <summary>How long until the next ejected endpoint is admitted again; null when none is ejected. A grain can set a timer by it.</summary>
    public TimeSpan? NextAdmission
    {
        get
        {
            var now = _time.GetTimestamp();
            Refresh(now);
            long? next = null;
            foreach (var state in _endpoints.Values)
            {
                if (state.Ejected && (next is null || state.EjectedUntil < next))
                {
                    next = state.EjectedUntil;
                }
            }

            return next is { } until ? _time.GetElapsedTime(now, until) : null;
        }
    }

    /// <summary>
    /// Replaces the set of endpoints (after the service was changed): endpoints that stay keep their state,
    /// new ones start admitted, removed ones are forgotten.
    /// </summary>
    public void SetEndpoints(IEnumerable<string> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var next = new Dictionary<string, EndpointOutlierState>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            ArgumentException.ThrowIfNullOrEmpty(endpoint, nameof(endpoints));
            next[endpoint] = _endpoints.TryGetValue(endpoint, out var state) ? state : new EndpointOutlierState();
        }

        _endpoints = next;
        _version++;
    }

    /// <summary>Applies one front end's batch of outcomes for one endpoint, and ejects the endpoint if due.</summary>
    /// <returns>True when this batch ejected the endpoint; false otherwise, including for an unknown endpoint.</returns>
    public bool Record(string endpoint, EndpointOutcomes outcomes)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentOutOfRangeException.ThrowIfNegative(outcomes.Successes, nameof(outcomes));
        ArgumentOutOfRangeException.ThrowIfNegative(outcomes.Failures, nameof(outcomes));
        ArgumentOutOfRangeException.ThrowIfNegative(outcomes.TrailingFailures, nameof(outcomes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outcomes.TrailingFailures, outcomes.Failures, nameof(outcomes));
        var now = _time.GetTimestamp();
        Refresh(now);
        if (!_endpoints.TryGetValue(endpoint, out var state) || state.Ejected)
        {
            return false;
        }

        state.ConsecutiveFailures = outcomes.Successes > 0
            ? outcomes.TrailingFailures
            : (int)Math.Min(int.MaxValue, (long)state.ConsecutiveFailures + outcomes.Failures);
        return outcomes.Failures > 0 && state.ConsecutiveFailures >= Options.ConsecutiveFailures && TryEject(state, now);
    }

    /// <summary>
    /// An active health check found <paramref name="endpoint"/> healthy: with
    /// <see cref="OutlierDetectionOptions.UnejectOnHealthyCheck"/> its ejection ends now, its failure run restarts at
    /// zero and its multiplier starts decaying from now.
    /// </summary>
    /// <returns>True when this ended an ejection; false otherwise (not ejected, the option off, or an unknown endpoint).</returns>
    public bool RecordHealthyCheck(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var now = _time.GetTimestamp();
        Refresh(now);
        if (!Options.UnejectOnHealthyCheck || !_endpoints.TryGetValue(endpoint, out var state) || !state.Ejected)
        {
            return false;
        }

        Admit(state, now);
        return true;
    }

    /// <summary>Whether <paramref name="endpoint"/> is ejected now; false for an unknown endpoint.</summary>
    public bool IsEjected(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Refresh(_time.GetTimestamp());
        return _endpoints.TryGetValue(endpoint, out var state) && state.Ejected;
    }

    /// <summary>Where <paramref name="endpoint"/> stands now.</summary>
    /// <exception cref="KeyNotFoundException">Not one of the endpoints.</exception>
    public OutlierStatus GetStatus(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var now = _time.GetTimestamp();
        Refresh(now);
        var state = _endpoints[endpoint];
        Decay(state, now);
        var ejectedFor = state.Ejected ? _time.GetElapsedTime(now, state.EjectedUntil) : TimeSpan.Zero;
        return new OutlierStatus(state.Ejected, ejectedFor, state.ConsecutiveFailures, state.Ejections);
    }

    private static void Validate(OutlierDetectionOptions options)
    {
        if (options.ConsecutiveFailures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConsecutiveFailures, "ConsecutiveFailures must be at least 1.");
        }

        if (options.BaseEjectionTime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BaseEjectionTime, "BaseEjectionTime must be more than zero.");
        }

        if (options.MaxEjectionTime < options.BaseEjectionTime)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxEjectionTime, "MaxEjectionTime must be at least BaseEjectionTime.");
        }

        if (options.MaxEjectionPercent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxEjectionPercent, "MaxEjectionPercent must be between 0 and 100.");
        }
    }

    private bool TryEject(EndpointOutlierState state, long now)
    {
        var total = _endpoints.Count;
        if (Options.MaxEjectionPercent == 0 || total < 2)
        {
            return false;
        }

        var allowed = Math.Clamp(total * Options.MaxEjectionPercent / 100, 1, total - 1);
        if (CountEjected() >= allowed)
        {
            return false;
        }

        Decay(state, now);
        state.Ejections++;
        state.Ejected = true;
        state.EjectedUntil = now + Math.Min(_maxTicks, _baseTicks * state.Ejections);
        _version++;
        return true;
    }

    /// <summary>Admits every endpoint whose ejection has run out.</summary>
    private void Refresh(long now)
    {
        foreach (var state in _endpoints.Values)
        {
            if (state.Ejected && now >= state.EjectedUntil)
            {
                Admit(state, state.EjectedUntil);
            }
        }
    }

    /// <summary>Ends an ejection as of <paramref name="at"/>: the failure run restarts, the multiplier decays from then.</summary>
    private void Admit(EndpointOutlierState state, long at)
    {
        state.Ejected = false;
        state.ConsecutiveFailures = 0;
        state.DecayFrom = at;
        _version++;
    }

    /// <summary>Lowers the multiplier by one per full base ejection time spent admitted.</summary>
    private void Decay(EndpointOutlierState state, long now)
    {
        if (state.Ejected || state.Ejections == 0)
        {
            return;
        }

        var periods = (now - state.DecayFrom) / _baseTicks;
        if (periods > 0)
        {
            state.Ejections = (int)Math.Max(0, state.Ejections - periods);
            state.DecayFrom += periods * _baseTicks;
        }
    }

    private int CountEjected()
    {
        var count = 0;
        foreach (var state in _endpoints.Values)
        {
            count += state.Ejected ? 1 : 0;
        }

        return count;
    }

    private long ToTicks(TimeSpan span) => Math.Max(1, (long)(span.TotalSeconds * _time.TimestampFrequency));
}
