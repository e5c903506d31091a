using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Silo.Grains.CircuitBreaking;
using Silo.Grains.Health;
using Silo.Grains.LoadBalancing;

namespace Silo.Grains.Services;

/// <summary>
/// Owns one downstream service. Its definition is written through; endpoint health, ejections and the breaker
/// live in memory (a new activation starts with every endpoint healthy and the circuit closed). The routing
/// snapshot is rebuilt whenever something a front end acts on changes, and stamped with a new version.
/// </summary>
[RandomPlacement]
public sealed partial class ServiceGrain(
    [PersistentState("service")] IPersistentState<ServiceState> state,
    TimeProvider time,
    IHealthProber prober,
    ILogger<ServiceGrain> logger) : Grain, IServiceGrain
{
    // Front ends compare (epoch, version): a new activation starts counting again under a new epoch.
    private readonly long _epoch = time.GetUtcNow().UtcTicks;
    private long _version;
    private RoutingSnapshot? _snapshot;
    private CircuitBreaker? _breaker;
    private OutlierDetector? _outliers;
    private IndexListing? _listing;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Definition is { } definition)
        {
            Configure(definition);

            // A service stored before the directory existed (or whose add was lost) lists itself again.
            await Listing().EnsureAsync();
        }
    }

    private IndexListing Listing() =>
        _listing ??= new IndexListing(this, GrainFactory, IDirectoryGrain.Services, this.GetPrimaryKeyString(), logger);

    public async Task<bool> CreateAsync(ServiceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (state.RecordExists)
        {
            // A repeat of the create that made this service (its answer was lost) is that create: it finishes
            // what it may not have finished and succeeds. Another definition under the same id is refused.
            if (!IsCreatedAs(definition))
            {
                return false;
            }

            await Listing().EnsureAsync();
            return true;
        }

        state.State = new ServiceState { Definition = definition, Version = 1, CreatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        Configure(definition);
        await Listing().EnsureAsync();
        return true;
    }

    /// <summary>Whether the stored definition is <paramref name="definition"/>, field by field and endpoint by endpoint.</summary>
    private bool IsCreatedAs(ServiceDefinition definition) =>
        state.State.Definition is { } stored &&
        stored.Endpoints.SequenceEqual(definition.Endpoints) &&
        stored with { Endpoints = definition.Endpoints } == definition;

    public async Task<bool> DeleteAsync()
    {
        if (!state.RecordExists)
        {
            return false;
        }

        await state.ClearStateAsync();
        state.State = new ServiceState();
        _breaker = null;
        _outliers = null;
        _health = null;
        _snapshot = null;
        LogDeleted(logger, this.GetPrimaryKeyString());
        DeactivateOnIdle();
        return true;
    }

    public Task<ServiceInfo?> GetState() => GetAsync();

    public Task<ServiceInfo?> GetAsync()
    {
        if (state.State.Definition is not { } definition || _breaker is null || _outliers is null)
        {
            return Task.FromResult<ServiceInfo?>(null);
        }

        Rebuild();
        var snapshot = _snapshot!;
        var endpoints = definition.Endpoints.Select(e =>
        {
            var outlier = _outliers.GetStatus(e.Url);
            var health = HealthOf(e.Url);
            return new EndpointStatus(
                e.Url, e.Weight, e.Drain, health, outlier.Ejected, (int)Math.Ceiling(outlier.EjectedFor.TotalSeconds),
                outlier.ConsecutiveFailures, outlier.Ejections, IsAvailable(e), snapshot.Endpoints.Any(r => r.Url == e.Url));
        }).ToArray();
        var h = _breaker.GetHealth();
        var circuit = new CircuitStatus(_breaker.State, (int)Math.Ceiling(_breaker.RetryAfter.TotalSeconds), h.Successes, h.Failures, h.Reporters, h.FailingReporters);
        return Task.FromResult<ServiceInfo?>(new ServiceInfo(definition, state.State.Version, state.State.CreatedAt, endpoints, circuit, _healthRounds, snapshot.Panic, SigningInfo()));
    }

    public async Task<bool> UpdateAsync(ServiceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (state.State.Definition is not { } old || !string.Equals(old.Id, definition.Id, StringComparison.Ordinal))
        {
            return false;
        }

        if (IsCreatedAs(definition))
        {
            return true;
        }

        state.State.Definition = definition;
        state.State.Version++;
        await state.WriteStateAsync();
        var urls = definition.Endpoints.Select(e => e.Url).ToArray();
        if (old.CircuitBreaker != definition.CircuitBreaker)
        {
            _breaker = NewBreaker(definition);
        }

        if (old.OutlierDetection != definition.OutlierDetection)
        {
            _outliers = NewOutliers(definition, urls);
        }
        else
        {
            _outliers!.SetEndpoints(urls);
        }

        if (old.HealthCheck != definition.HealthCheck)
        {
            ConfigureHealthChecks(definition, urls);
        }
        else
        {
            _health?.SetEndpoints(urls);
        }

        LogUpdated(logger, definition.Id);
        Rebuild();
        return true;
    }

    public async Task<bool> SetEndpointsAsync(IReadOnlyList<EndpointDefinition> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (state.State.Definition is not { } definition)
        {
            return false;
        }

        var changed = definition with { Endpoints = [.. endpoints] };
        state.State.Definition = changed;
        state.State.Version++;
        await state.WriteStateAsync();
        var urls = changed.Endpoints.Select(e => e.Url).ToArray();
        _outliers!.SetEndpoints(urls);
        _health?.SetEndpoints(urls);
        LogEndpointsChanged(logger, definition.Id, urls.Length);
        Rebuild();
        return true;
    }

    public Task<bool> SetCircuitAsync(bool isolate)
    {
        if (_breaker is null)
        {
            return Task.FromResult(false);
        }

        if (isolate)
        {
            _breaker.Isolate();
        }
        else
        {
            _breaker.Close();
        }

        Rebuild();
        return Task.FromResult(true);
    }

    public Task<RoutingSnapshot?> GetSnapshotAsync()
    {
        Rebuild();
        return Task.FromResult(Current());
    }

    public Task<RoutingSnapshot?> GetSnapshotIfChangedAsync(SnapshotStamp known)
    {
        Rebuild();
        return Task.FromResult(known == Stamp ? null : Current());
    }

    public Task<SnapshotStamp> ReportAsync(OutcomeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_breaker is null || _outliers is null)
        {
            return Task.FromResult(Stamp);
        }

        long successes = 0, failures = 0;
        foreach (var report in batch.Endpoints)
        {
            // Reports cross the wire: a malformed one is dropped rather than failing the whole batch.
            if (report is null || report.Successes < 0 || report.Failures < 0 || report.TrailingFailures < 0 || report.TrailingFailures > report.Failures)
            {
                continue;
            }

            successes += report.Successes;
            failures += report.Failures;
            if (_outliers.Record(report.Url, new EndpointOutcomes(report.Successes, report.Failures, report.TrailingFailures)))
            {
                LogEjected(logger, state.State.Definition!.Id, report.Url, _outliers.GetStatus(report.Url).EjectedFor.TotalSeconds);
            }
        }

        if (successes + failures > 0)
        {
            var before = _breaker.State;
            var after = _breaker.Record(batch.ReporterId, (int)Math.Min(int.MaxValue, successes), (int)Math.Min(int.MaxValue, failures));
            if (before != after)
            {
                LogCircuit(logger, state.State.Definition!.Id, after);
            }
        }

        Rebuild();
        return Task.FromResult(Stamp);
    }

    public Task<ProbeGrant> TryAcquireProbeAsync()
    {
        if (_breaker is null)
        {
            return Task.FromResult(new ProbeGrant(false, 0, 1000));
        }

        var granted = _breaker.TryAcquireProbe(out var token);
        Rebuild();
        if (!granted && _breaker.State == CircuitState.Closed)
        {
            // The front end's snapshot is older than the probe that closed the circuit: no probe is needed.
            return Task.FromResult(new ProbeGrant(false, 0, 0, Closed: true, Stamp));
        }

        var wait = granted ? TimeSpan.Zero : _breaker.RetryAfter;
        return Task.FromResult(new ProbeGrant(granted, token, (int)Math.Ceiling(wait.TotalMilliseconds)));
    }

    public Task<SnapshotStamp> ReportProbeAsync(long token, bool success)
    {
        if (_breaker is not null && _breaker.RecordProbe(token, success))
        {
            LogCircuit(logger, state.State.Definition!.Id, _breaker.State);
        }

        Rebuild();
        return Task.FromResult(Stamp);
    }

    public Task ReleaseProbeAsync(long token)
    {
        _breaker?.ReleaseProbe(token);
        return Task.CompletedTask;
    }

    private SnapshotStamp Stamp => new(_epoch, _version);

    private void Configure(ServiceDefinition definition)
    {
        _signingKeys = state.State.SigningKeys.Count > 0 ? [.. state.State.SigningKeys] : null;
        var urls = definition.Endpoints.Select(e => e.Url).ToArray();
        _breaker = NewBreaker(definition);
        _outliers = NewOutliers(definition, urls);
        ConfigureHealthChecks(definition, urls);
        Rebuild();
    }

    private CircuitBreaker NewBreaker(ServiceDefinition definition) =>
        new((definition.CircuitBreaker ?? CircuitBreakerDefinition.Default).ToOptions(), time);

    private OutlierDetector NewOutliers(ServiceDefinition definition, IReadOnlyList<string> urls) =>
        new((definition.OutlierDetection ?? OutlierDetectionDefinition.Default).ToOptions(), time, urls);

    private bool IsAvailable(EndpointDefinition endpoint) =>
        !endpoint.Drain && HealthOf(endpoint.Url) != EndpointHealth.Unhealthy && !_outliers!.IsEjected(endpoint.Url);

    /// <summary>Rebuilds the snapshot from the current state and moves the version on if anything changed.</summary>
    private void Rebuild()
    {
        if (state.State.Definition is not { } d || _breaker is null)
        {
            return;
        }

        var endpoints = PanicRouting.Select(d.Endpoints, IsAvailable, d.PanicThreshold(), out var panic);
        var circuit = _breaker.State;
        if (_snapshot is { } s &&
            s.Circuit == circuit && s.LoadBalancing == d.LoadBalancing && s.TimeoutSeconds == d.TimeoutSeconds && s.HttpVersion == d.HttpVersion &&
            s.Panic == panic && ReferenceEquals(s.SigningKeys, _signingKeys) && ReferenceEquals(s.Cache, d.Cache) && s.Endpoints.SequenceEqual(endpoints))
        {
            return;
        }

        if (panic != (_snapshot?.Panic ?? false))
        {
            LogPanic(d.Id, panic, endpoints);
        }

        _version++;
        _snapshot = new RoutingSnapshot(d.Id, _epoch, _version, endpoints, d.LoadBalancing, d.TimeoutSeconds, circuit, 0, d.HttpVersion, panic, _signingKeys, d.Cache);
    }

    private void LogPanic(string service, bool panic, RoutedEndpoint[] routed)
    {
        var available = routed.Count(e => !e.PanicOnly);
        if (panic)
        {
            LogPanicStarted(logger, service, available, routed.Length, state.State.Definition!.PanicThreshold());
        }
        else
        {
            LogPanicEnded(logger, service, available);
        }
    }

    /// <summary>The snapshot with the breaker's wait as of now (front ends count it down locally).</summary>
    private RoutingSnapshot? Current() =>
        _snapshot is { Circuit: not CircuitState.Closed } s
            ? s with { CircuitRetryAfterMilliseconds = (int)Math.Ceiling(_breaker!.RetryAfter.TotalMilliseconds) }
            : _snapshot;

    [LoggerMessage(EventId = 613, Level = LogLevel.Information, Message = "Service {Service}: deleted")]
    private static partial void LogDeleted(ILogger logger, string service);

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Service {Service}: definition replaced")]
    private static partial void LogUpdated(ILogger logger, string service);

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Service {Service}: endpoints replaced ({Count} now)")]
    private static partial void LogEndpointsChanged(ILogger logger, string service, int count);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Service {Service}: endpoint {Endpoint} ejected for {Seconds} s after consecutive failures")]
    private static partial void LogEjected(ILogger logger, string service, string endpoint, double seconds);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Service {Service}: circuit is now {State}")]
    private static partial void LogCircuit(ILogger logger, string service, CircuitState state);

    [LoggerMessage(EventId = 606, Level = LogLevel.Warning, Message = "Service {Service}: panic, {Available} of {Candidates} endpoints not draining are available (threshold {Threshold} %); requests go to all {Candidates}")]
    private static partial void LogPanicStarted(ILogger logger, string service, int available, int candidates, int threshold);

    [LoggerMessage(EventId = 607, Level = LogLevel.Information, Message = "Service {Service}: out of panic, {Available} endpoints available")]
    private static partial void LogPanicEnded(ILogger logger, string service, int available);
}
