using Microsoft.Extensions.Logging;
using Silo.Grains.Health;

namespace Silo.Grains.Services;

/// <summary>
/// Active health checks: a grain timer starts a round of checks every interval, once for the whole cluster.
/// The checks run outside the grain's turn (a slow endpoint must not hold up snapshot reads and outcome
/// reports); their results come back as a call to this grain, which applies them in a turn.
/// </summary>
public sealed partial class ServiceGrain
{
    private ActiveHealthTracker? _health;
    private IDisposable? _healthTimer;
    private bool _checking;
    private long _healthRounds;

    private void ConfigureHealthChecks(ServiceDefinition definition, IReadOnlyList<string> urls)
    {
        _healthTimer?.Dispose();
        _healthTimer = null;
        _health = null;
        if (definition.HealthCheck is not { } check)
        {
            return;
        }

        _health = new ActiveHealthTracker(check.ToOptions(), urls);
        var interval = TimeSpan.FromSeconds(check.IntervalSeconds);
        _healthTimer = this.RegisterGrainTimer(_ => StartChecks(), TimeSpan.Zero, interval);
    }

    public Task RecordHealthChecksAsync(IReadOnlyList<HealthCheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        _checking = false;
        if (_health is null)
        {
            return Task.CompletedTask;
        }

        _healthRounds++;

        foreach (var result in results)
        {
            if (_health.RecordCheck(result.Url, result.Passed))
            {
                LogHealthChanged(logger, state.State.Definition!.Id, result.Url, _health.GetHealth(result.Url));

                // An endpoint the checks had taken out passes them again: the service may be back, so an open
                // circuit's break ends now and the next request probes it, instead of the break running its course
                // (a restarted endpoint is served within healthyThreshold intervals, circuit or not). Ejections
                // ending do not count: an endpoint whose health path passes while its calls fail is let back every
                // interval, and must not cut every break short.
                if (result.Passed && _breaker!.EndBreak())
                {
                    LogBreakEnded(logger, state.State.Definition!.Id, result.Url);
                }
            }

            // Envoy's successful_active_health_check_uneject_host: a check that finds the endpoint healthy (this pass
            // made it healthy, or it never stopped being so) ends an ejection; one still short of healthyThreshold
            // does not, so the endpoint comes back when both signals agree.
            if (result.Passed && _health.IsHealthy(result.Url) && _outliers!.RecordHealthyCheck(result.Url))
            {
                LogUnejected(logger, state.State.Definition!.Id, result.Url);
            }
        }

        Rebuild();
        return Task.CompletedTask;
    }

    private EndpointHealth HealthOf(string url) => _health?.GetHealth(url) ?? EndpointHealth.Healthy;

    private Task StartChecks()
    {
        // One round at a time: a round still waiting on slow endpoints is not stacked on.
        if (_checking || _health is null || state.State.Definition is not { HealthCheck: { } check } definition)
        {
            return Task.CompletedTask;
        }

        _checking = true;
        var targets = definition.Endpoints.Select(e => (e.Url, Target: CheckUri(e.Url, check.Path))).ToArray();
        var self = GrainFactory.GetGrain<IServiceGrain>(this.GetPrimaryKeyString());
        // Task.Run leaves the activation's scheduler: the probes and the call back to this grain run on the thread
        // pool, so the grain keeps serving while an endpoint is slow to answer.
        var timeout = TimeSpan.FromSeconds(check.TimeoutSeconds);
        _ = Task.Run(() => RunChecksAsync(self, targets, timeout));
        return Task.CompletedTask;
    }

    private async Task RunChecksAsync(IServiceGrain self, (string Url, Uri Target)[] targets, TimeSpan timeout)
    {
        try
        {
            var passed = await Task.WhenAll(targets.Select(t => prober.ProbeAsync(t.Target, timeout, CancellationToken.None)));
            await self.RecordHealthChecksAsync([.. targets.Select((t, i) => new HealthCheckResult(t.Url, passed[i]))]);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The activation may be gone (deactivated, silo stopping); the next activation checks again.
            LogChecksLost(logger, ex, self.GetPrimaryKeyString());
        }
    }

    private static Uri CheckUri(string endpoint, string path) => new(endpoint.TrimEnd('/') + path, UriKind.Absolute);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "Service {Service}: endpoint {Endpoint} is now {Health}")]
    private static partial void LogHealthChanged(ILogger logger, string service, string endpoint, EndpointHealth health);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Service {Service}: endpoint {Endpoint} un-ejected by a passing health check")]
    private static partial void LogUnejected(ILogger logger, string service, string endpoint);

    [LoggerMessage(EventId = 608, Level = LogLevel.Information, Message = "Service {Service}: endpoint {Endpoint} is healthy again; the circuit's break ends, the next request probes")]
    private static partial void LogBreakEnded(ILogger logger, string service, string endpoint);

    [LoggerMessage(EventId = 604, Level = LogLevel.Debug, Message = "Service {Service}: a round of health checks could not be recorded")]
    private static partial void LogChecksLost(ILogger logger, Exception exception, string service);
}
