namespace Silo.Grains.CircuitBreaking;

/// <summary>
/// A cluster-wide circuit breaker for one downstream service, with Polly v8's state machine
/// (Closed → Open → HalfOpen → Closed, plus manual isolation) fed by batches of outcomes from several
/// front ends ("reporters").
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> Not thread-safe, on purpose: it lives inside the service grain and is only called
/// from that activation's turns, one at a time, so it needs no lock. Front ends never call it directly; they
/// act on the <see cref="State"/> and <see cref="RetryAfter"/> published in the routing snapshot.</para>
/// <para><b>Opening.</b> In the Closed state, after a batch that holds failures, the circuit opens when, over
/// the sampling window, all of these hold:
/// (1) throughput ≥ <see cref="CircuitBreakerOptions.MinimumThroughput"/>;
/// (2) failures ÷ throughput ≥ <see cref="CircuitBreakerOptions.FailureRatio"/> (exactly at the ratio opens);
/// (3) the quorum: at least <see cref="CircuitBreakerOptions.MinimumReporters"/> reporters each see, in their
/// own outcomes in the window, a failure ratio ≥ <see cref="CircuitBreakerOptions.FailureRatio"/>.
/// A failing reporter is judged by its own ratio, not by having seen one failure, so one front end that cannot
/// reach the service while the others succeed never opens the circuit when the quorum is 2 or more, however
/// much traffic it sends. The quorum is not lowered when fewer reporters are active: a deployment with a
/// single front end must use a quorum of 1. With a quorum of 1, (3) follows from (2) (the overall ratio is a
/// weighted mean of the reporters' ratios, so some reporter is at or above it), which makes the breaker
/// behave exactly like Polly's.</para>
/// <para><b>Probing.</b> After <see cref="CircuitBreakerOptions.BreakDuration"/> the state reads HalfOpen and
/// <see cref="TryAcquireProbe"/> grants exactly one probe. Its outcome must come back through
/// <see cref="RecordProbe"/> with the token it was granted (batched outcomes of ordinary calls that were in
/// flight when the circuit opened never decide a half-open circuit): success closes the circuit and clears the
/// window, failure opens it for another break duration. A probe that reports nothing within a break duration
/// is presumed lost, and another probe is granted. A late report of a probe from an earlier open period is
/// ignored.</para>
/// <para>Batched outcomes are recorded in every state, as Polly does, but only a Closed circuit acts on them,
/// and closing clears them.</para>
/// </remarks>
public sealed class CircuitBreaker
{
    private static readonly TimeSpan MinimumDuration = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider _time;
    private readonly ClusterHealthMetrics _metrics;
    private readonly long _origin;
    private readonly long _bucketTicks;
    private readonly long _breakTicks;
    private CircuitState _state = CircuitState.Closed;
    private long _openUntil;
    private long _probeAvailableAt;
    private long _openings;
    private long _version;

    /// <summary>Creates a closed breaker.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of the range its documentation states; the message names it.</exception>
    public CircuitBreaker(CircuitBreakerOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Validate(options);
        Options = options;
        _time = timeProvider;
        _metrics = new ClusterHealthMetrics(options.FailureRatio);
        _origin = timeProvider.GetTimestamp();
        var frequency = timeProvider.TimestampFrequency;
        _bucketTicks = Math.Max(1, (long)(options.SamplingDuration.TotalSeconds * frequency / RollingHealthMetrics.BucketCount));
        _breakTicks = Math.Max(1, (long)(options.BreakDuration.TotalSeconds * frequency));
    }

    /// <summary>The settings this breaker runs with.</summary>
    public CircuitBreakerOptions Options { get; }

    /// <summary>The current state. Reading it applies a due Open → HalfOpen transition.</summary>
    public CircuitState State => Refresh(_time.GetTimestamp());

    /// <summary>
    /// Grows by one at every state change, including the time-driven Open → HalfOpen one once observed, so a
    /// grain can tell when to publish a new routing snapshot.
    /// </summary>
    public long Version
    {
        get
        {
            Refresh(_time.GetTimestamp());
            return _version;
        }
    }

    /// <summary>
    /// How long a rejected caller should wait (for <c>Retry-After</c>): while Open, until the break ends; while
    /// HalfOpen with a probe out, until that probe is presumed lost; zero when Closed or when a probe may go
    /// now; the break duration, as a hint, while Isolated.
    /// </summary>
    public TimeSpan RetryAfter
    {
        get
        {
            var now = _time.GetTimestamp();
            return Refresh(now) switch
            {
                CircuitState.Open => _time.GetElapsedTime(now, _openUntil),
                CircuitState.HalfOpen when _probeAvailableAt > now => _time.GetElapsedTime(now, _probeAvailableAt),
                CircuitState.Isolated => Options.BreakDuration,
                _ => TimeSpan.Zero,
            };
        }
    }

    /// <summary>When the current break ends (UTC, by this process's clock); null unless the state is Open.</summary>
    public DateTimeOffset? OpenUntil
    {
        get
        {
            var now = _time.GetTimestamp();
            return Refresh(now) == CircuitState.Open ? _time.GetUtcNow() + _time.GetElapsedTime(now, _openUntil) : null;
        }
    }

    /// <summary>The outcomes currently in the sampling window.</summary>
    public CircuitHealth GetHealth() => _metrics.Evaluate(CurrentBucket(_time.GetTimestamp()));

    /// <summary>Records a batch of outcomes of ordinary calls from one reporter, and opens the circuit if due.</summary>
    /// <param name="reporterId">A stable id of the reporting front end.</param>
    /// <param name="successes">Calls that succeeded since the reporter's previous batch.</param>
    /// <param name="failures">Calls that failed (by the gateway's definition of failure) since the previous batch.</param>
    /// <returns>The state after the batch.</returns>
    public CircuitState Record(string reporterId, int successes, int failures)
    {
        ArgumentException.ThrowIfNullOrEmpty(reporterId);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfNegative(failures);
        var now = _time.GetTimestamp();
        var state = Refresh(now);
        var bucket = CurrentBucket(now);
        _metrics.Add(reporterId, bucket, successes, failures);

        // As in Polly, only a failure can open the circuit, and only from Closed.
        if (state == CircuitState.Closed && failures > 0 && ShouldOpen(_metrics.Evaluate(bucket)))
        {
            Open(now);
        }

        return _state;
    }

    /// <summary>
    /// Grants the one probe of a half-open circuit. True once per half-open period, or again after the
    /// previous probe stayed unanswered for a break duration; false in any other state.
    /// </summary>
    /// <param name="probeToken">Identifies the probe; pass it to <see cref="RecordProbe"/>.</param>
    public bool TryAcquireProbe(out long probeToken)
    {
        var now = _time.GetTimestamp();
        probeToken = 0;
        if (Refresh(now) != CircuitState.HalfOpen || now < _probeAvailableAt)
        {
            return false;
        }

        _probeAvailableAt = now + _breakTicks;
        probeToken = _openings;
        return true;
    }

    /// <summary>Records the outcome of a probe: success closes the circuit, failure opens it again.</summary>
    /// <returns>False when the report was ignored: the circuit is no longer half-open for that probe.</returns>
    public bool RecordProbe(long probeToken, bool success)
    {
        var now = _time.GetTimestamp();
        if (Refresh(now) != CircuitState.HalfOpen || probeToken != _openings)
        {
            return false;
        }

        if (success)
        {
            CloseCore();
        }
        else
        {
            Open(now);
        }

        return true;
    }

    /// <summary>
    /// Gives back a granted probe that was never sent (the request was refused before it reached the service),
    /// so the next caller may probe at once instead of after a break duration.
    /// </summary>
    /// <returns>False when the token is not the current half-open period's.</returns>
    public bool ReleaseProbe(long probeToken)
    {
        var now = _time.GetTimestamp();
        if (Refresh(now) != CircuitState.HalfOpen || probeToken != _openings)
        {
            return false;
        }

        _probeAvailableAt = now;
        return true;
    }

    /// <summary>
    /// Ends the current break now (Open → HalfOpen, the probe available at once): for a sign that the service
    /// recovered, such as an endpoint its health checks had taken out passing them again. A no-op in any other
    /// state (an isolated circuit stays isolated).
    /// </summary>
    /// <returns>True when the break was ended.</returns>
    public bool EndBreak()
    {
        var now = _time.GetTimestamp();
        if (Refresh(now) != CircuitState.Open)
        {
            return false;
        }

        _openUntil = now;
        Refresh(now);
        return true;
    }

    /// <summary>Holds the circuit open until <see cref="Close"/> (Polly's manual isolation).</summary>
    public void Isolate()
    {
        if (_state != CircuitState.Isolated)
        {
            _openings++;
            Transition(CircuitState.Isolated);
        }
    }

    /// <summary>Closes the circuit by hand from any state and clears the sampling window.</summary>
    public void Close()
    {
        if (_state != CircuitState.Closed)
        {
            CloseCore();
        }
    }

    private static void Validate(CircuitBreakerOptions options)
    {
        if (options.FailureRatio is not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FailureRatio, "FailureRatio must be greater than 0 and at most 1.");
        }

        if (options.MinimumThroughput < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MinimumThroughput, "MinimumThroughput must be at least 1.");
        }

        if (options.SamplingDuration < MinimumDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SamplingDuration, "SamplingDuration must be at least 0.5 seconds.");
        }

        if (options.BreakDuration < MinimumDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BreakDuration, "BreakDuration must be at least 0.5 seconds.");
        }

        if (options.MinimumReporters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MinimumReporters, "MinimumReporters must be at least 1.");
        }
    }

    private CircuitState Refresh(long now)
    {
        if (_state == CircuitState.Open && now >= _openUntil)
        {
            // The first probe may go at once.
            _probeAvailableAt = _openUntil;
            Transition(CircuitState.HalfOpen);
        }

        return _state;
    }

    private bool ShouldOpen(CircuitHealth health) =>
        health.Throughput >= Options.MinimumThroughput &&
        health.FailureRatio >= Options.FailureRatio &&
        health.FailingReporters >= Options.MinimumReporters;

    private void Open(long now)
    {
        // A new open period: probes granted in an earlier one no longer count.
        _openings++;
        _openUntil = now + _breakTicks;
        Transition(CircuitState.Open);
    }

    private void CloseCore()
    {
        _metrics.Reset();
        Transition(CircuitState.Closed);
    }

    private void Transition(CircuitState state)
    {
        _state = state;
        _version++;
    }

    private long CurrentBucket(long now) => Math.Max(0, now - _origin) / _bucketTicks;
}
