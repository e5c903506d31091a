using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Silo.Grains.Admission;
using Silo.Grains.Hosting;

namespace Silo.Api.Telemetry;

/// <summary>
/// The front end's instruments (meter <see cref="MeterName"/>), built like ASP.NET Core's RateLimitingMetrics:
/// admissions by result and level, admission duration, failed authentications and the blocks they cause,
/// forward attempts by outcome, retries and retry-budget refusals, and — from the routing snapshots this front
/// end holds — circuit state changes, open circuits, available endpoints and panic per service. Labels stay few:
/// <c>result</c>, <c>level</c>, <c>kind</c>, <c>service</c>, <c>outcome</c>, <c>state</c>; <c>tenant</c> only
/// with <c>Telemetry:TenantLabels</c>; never a key id.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Silo.Gateway";

    private readonly Counter<long> _admissions;
    private readonly Histogram<double> _admissionDuration;
    private readonly Counter<long> _authenticationFailures;
    private readonly Counter<long> _authenticationBlocked;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _forwardAttempts;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _retryBudgetExhausted;
    private readonly Counter<long> _circuitChanges;
    private readonly Counter<long> _admissionGrainCalls;
    private readonly Counter<long> _localAdmissions;
    private readonly Counter<long> _admissionRetries;
    private readonly Counter<long> _leaseEvents;
    private readonly Counter<long> _leaseTokens;
    private readonly Meter _meter;
    private readonly bool _tenantLabels;

    public GatewayMetrics(IMeterFactory meters, IOptions<TelemetryOptions> telemetry)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(telemetry);
        _tenantLabels = telemetry.Value.TenantLabels;
        _meter = meters.Create(MeterName);
        _admissions = _meter.CreateCounter<long>("silo.gateway.admissions", "{request}", "Admission decisions, by result and by the level (key, tenant) that decided a refusal.");
        _admissionDuration = _meter.CreateHistogram<double>(
            "silo.gateway.admission.duration",
            "s",
            "Time to authenticate and admit a request (the key and tenant grain calls).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _authenticationFailures = _meter.CreateCounter<long>("silo.gateway.authentication.failures", "{failure}", "Failed authentications (admin token or API key).");
        _tokens = _meter.CreateCounter<long>("silo.gateway.tokens", "{token}", "JWT bearer tokens accepted, by how: validated (signature checked) or remembered (validated lately on this front end).");
        _authenticationBlocked = _meter.CreateCounter<long>("silo.gateway.authentication.blocked", "{request}", "Requests refused because their address spent its failed-authentication budget.");
        _forwardAttempts = _meter.CreateCounter<long>("silo.gateway.forward.attempts", "{attempt}", "Attempts to forward to a downstream endpoint, by outcome.");
        _retries = _meter.CreateCounter<long>("silo.gateway.forward.retries", "{retry}", "Forward attempts that were retries.");
        _retryBudgetExhausted = _meter.CreateCounter<long>("silo.gateway.forward.retry_budget_exhausted", "{retry}", "Retries not made because the service's retry budget was spent.");
        _admissionGrainCalls = _meter.CreateCounter<long>(
            "silo.gateway.admission.grain_calls", "{call}", "Grain calls made to admit requests, by kind: admit (one request), lease (a request and a slice), renew (a slice in the background).");
        _localAdmissions = _meter.CreateCounter<long>(
            "silo.gateway.admission.local", "{request}", "Admission decisions this front end made alone, from a leased slice or a standing refusal, by result.");
        _admissionRetries = _meter.CreateCounter<long>(
            "silo.gateway.admission.retries",
            "{call}",
            "Admission grain calls sent again, by reason: refused (the silo was stopping), timed-out (while the cluster changed: its answer was likely lost).");
        _leaseEvents = _meter.CreateCounter<long>("silo.gateway.leases", "{lease}", "Admission lease events, by event: granted, renewed, returned (unused units given back), ended (by the key's grain).");
        _leaseTokens = _meter.CreateCounter<long>("silo.gateway.leases.tokens", "{token}", "Units leased to this front end (event=granted), given back unused (event=returned), and of those, the ones whose key grain could not be reached, so they count as spent (event=lost).");
        _circuitChanges = _meter.CreateCounter<long>("silo.gateway.circuit.state_changes", "{change}", "Circuit state changes this front end saw, by the new state.");
    }

    /// <summary>Counts an admission decision and how long it took.</summary>
    public void Admission(AdmissionResult result, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(result);
        var tags = new System.Diagnostics.TagList
        {
            { "result", ResultOf(result) },
            { "level", result.Level switch { AdmissionLevel.Key => "key", AdmissionLevel.Tenant => "tenant", _ => "none" } },
        };
        if (_tenantLabels && result.TenantId is { } tenant)
        {
            tags.Add("tenant", tenant);
        }

        _admissions.Add(1, tags);
        _admissionDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Counts a grain call made to admit: <c>admit</c>, <c>lease</c> or <c>renew</c>.</summary>
    public void AdmissionGrainCall(string kind) => _admissionGrainCalls.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Counts an admission grain call sent again: <c>refused</c> or <c>timed-out</c>.</summary>
    public void AdmissionRetry(string reason) => _admissionRetries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a decision made from a lease or a standing refusal, with no grain call.</summary>
    public void LocalAdmission(AdmissionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _localAdmissions.Add(1, new KeyValuePair<string, object?>("result", ResultOf(result)));
    }

    public void LeaseEvent(string name) => _leaseEvents.Add(1, new KeyValuePair<string, object?>("event", name));

    public void LeaseGranted(long tokens)
    {
        LeaseEvent("granted");
        _leaseTokens.Add(tokens, new KeyValuePair<string, object?>("event", "granted"));
    }

    public void LeaseReturned(long tokens)
    {
        LeaseEvent("returned");
        _leaseTokens.Add(tokens, new KeyValuePair<string, object?>("event", "returned"));
    }

    /// <summary>Counts units given back unused that did not reach their key's grain (they count as spent).</summary>
    public void LeaseReturnLost(long tokens) => _leaseTokens.Add(tokens, new KeyValuePair<string, object?>("event", "lost"));

    public void AuthenticationFailed(string kind) => _authenticationFailures.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void TokenAccepted(string how) => _tokens.Add(1, new KeyValuePair<string, object?>("how", how));

    public void AuthenticationBlocked(string kind) => _authenticationBlocked.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void ForwardAttempt(string service, string outcome) =>
        _forwardAttempts.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("outcome", outcome));

    public void Retry(string service) => _retries.Add(1, new KeyValuePair<string, object?>("service", service));

    public void RetryBudgetExhausted(string service) => _retryBudgetExhausted.Add(1, new KeyValuePair<string, object?>("service", service));

    public void CircuitChanged(string service, string state) =>
        _circuitChanges.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("state", state));

    /// <summary>Publishes, per service this front end routes to, whether its circuit is open, how many endpoints are available and whether it is in panic.</summary>
    public void ObserveRoutes(Func<IEnumerable<(string Service, bool CircuitOpen, int AvailableEndpoints, bool Panic)>> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        _meter.CreateObservableGauge(
            "silo.gateway.circuit.open",
            () => routes().Select(r => new Measurement<int>(r.CircuitOpen ? 1 : 0, new KeyValuePair<string, object?>("service", r.Service))),
            "{circuit}",
            "1 while the service's circuit is open or isolated, as this front end's routing snapshot has it.");
        _meter.CreateObservableGauge(
            "silo.gateway.endpoints.available",
            () => routes().Select(r => new Measurement<int>(r.AvailableEndpoints, new KeyValuePair<string, object?>("service", r.Service))),
            "{endpoint}",
            "Endpoints of the service that are available now (healthy, not ejected, not draining).");
        _meter.CreateObservableGauge(
            "silo.gateway.panic",
            () => routes().Select(r => new Measurement<int>(r.Panic ? 1 : 0, new KeyValuePair<string, object?>("service", r.Service))),
            "{service}",
            "1 while the service is in panic (fewer endpoints available than its panic threshold, so requests go to every endpoint not draining), as this front end's routing snapshot has it.");
    }

    private static string ResultOf(AdmissionResult result) => result.Status switch
    {
        AdmissionStatus.Allowed => result.ShadowLimited ? "shadow-limited" : "admitted",
        AdmissionStatus.Limited => "limited",
        AdmissionStatus.InvalidKey => "unauthorized",
        AdmissionStatus.CostTooHigh => "cost-too-high",
        _ => "forbidden",
    };
}
