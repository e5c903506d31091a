using Silo.Api.Caching;
using Silo.Api.Errors;
using Silo.Api.Forwarding;
using Silo.Api.LoadBalancing;
using Silo.Api.Routing;
using Silo.Api.Telemetry;
using Silo.Api.Validation;
using Silo.Grains.Admission;
using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Api.Endpoints;

/// <summary><c>ANY /{service}/{**path}</c>: admit, pick an endpoint from the cached route, forward.</summary>
internal static class ProxyEndpoints
{
    public static void MapProxyEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/{service}/{**path}", ProxyAsync)
            .WithTags("Data plane").WithSummary("Proxied to a healthy endpoint of {service} (X-Api-Key)");
    }

    private static async Task ProxyAsync(
        HttpContext context,
        string service,
        IGrainFactory grains,
        Admission admission,
        RoutingTable routes,
        OutcomeReporter outcomes,
        ForwardingPipeline pipeline,
        GatewayMetrics metrics,
        TrafficHistory traffic,
        ResponseCache cache,
        TimeProvider time)
    {
        // Reserved segments belong to the gateway and malformed ids can never be services; a request the
        // gateway could not forward faithfully is the client's to fix: all answered without touching a grain.
        if (RefuseAtTheDoor(context, service, admission) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        if (!ForwardPath.TryGetRemainder(context, skipSegments: 1, out var pathAndQuery))
        {
            await Problem.WriteAsync(context, GatewayError.InvalidPath);
            return;
        }

        var (credentials, tokenRefusal) = await admission.ReadCredentialsAsync(context.Request);
        if (tokenRefusal is not null)
        {
            await Admission.WriteRefusalAsync(context, tokenRefusal);
            return;
        }

        var route = await RouteAsync(context, service, admission, routes, credentials);
        if (route is null)
        {
            return;
        }

        var (answered, admitted, plan) = await FromCacheAsync(context, service, pathAndQuery, route, credentials, admission, cache);
        if (answered)
        {
            return;
        }

        try
        {
            await PassAndForwardAsync(context, service, pathAndQuery, route, credentials, admitted, plan, grains, admission, routes, outcomes, pipeline, metrics, traffic, time);
        }
        finally
        {
            if (plan is not null)
            {
                cache.Complete(plan, context.Request, context.Features.Get<ProxyFeature>()?.Capture);
            }
        }
    }

    /// <summary>
    /// A service with a cache policy admits first and then looks up: a hit never reaches the breaker nor the
    /// downstream (a miss the breaker then refuses has spent its admission). Answered: a hit or a refusal was
    /// written; otherwise the admission to go on with (null: admit as usual) and the cache's plan.
    /// </summary>
    private static async Task<(bool Answered, AdmissionResult? Admitted, CachePlan? Plan)> FromCacheAsync(
        HttpContext context, string service, string pathAndQuery, ServiceRoute route, (string KeyId, string Secret)? credentials, Admission admission, ResponseCache cache)
    {
        if (route.Snapshot.Cache is not { Enabled: true } policy)
        {
            return (false, null, null);
        }

        // Free hits: admitted at cost 0 here (authenticated, nothing spent); a miss is admitted again, at 1.
        var rules = CacheRules.ForRequest(context.Request, policy);
        var freeHit = policy.FreeHits && rules.Lookup;
        var admitted = await admission.AdmitAsync(context.Request, credentials, cost: freeHit ? 0 : 1, service);
        if (!admitted.IsAllowed)
        {
            await Admission.WriteRefusalAsync(context, admitted);
            return (true, null, null);
        }

        var plan = ResponseCache.Plan(route.Snapshot, pathAndQuery, admitted, credentials!.Value.KeyId, rules)!;
        if (await cache.LookupAsync(plan, context.Request, TimeSpan.FromSeconds(route.Snapshot.TimeoutSeconds)) is { } stored)
        {
            await cache.WriteAsync(context, plan, stored, admitted);
            return (true, admitted, plan);
        }

        return (false, freeHit ? null : admitted, plan);
    }

    /// <summary>The breaker, admission (unless done already), signing, the forward and the report step.</summary>
    private static async Task PassAndForwardAsync(
        HttpContext context,
        string service,
        string pathAndQuery,
        ServiceRoute route,
        (string KeyId, string Secret)? credentials,
        AdmissionResult? admittedFirst,
        CachePlan? plan,
        IGrainFactory grains,
        Admission admission,
        RoutingTable routes,
        OutcomeReporter outcomes,
        ForwardingPipeline pipeline,
        GatewayMetrics metrics,
        TrafficHistory traffic,
        TimeProvider time)
    {
        // The breaker is asked before the request is counted, so a refused request costs the key nothing.
        var (proceed, probe) = await PassCircuitAsync(context, grains, routes, route, service, time);
        if (!proceed)
        {
            return;
        }

        var admitted = admittedFirst ?? await admission.AdmitAsync(context.Request, credentials, cost: 1, service);
        if (!admitted.IsAllowed)
        {
            await ReportAsync(grains, routes, outcomes, metrics, traffic, service, probe, null);
            await Admission.WriteRefusalAsync(context, admitted);
            return;
        }

        var (signing, aborted) = await PrepareSigningAsync(
            context, route, admitted.TenantId!, credentials!.Value.KeyId, time, () => ReportAsync(grains, routes, outcomes, metrics, traffic, service, probe, null));
        if (aborted)
        {
            return;
        }

        var feature = NewFeature(service, pathAndQuery, route, admitted, probe, signing, plan);
        context.Features.Set(feature);
        var error = await pipeline.ForwardAsync(context, feature);
        await ForwardingPipeline.AnswerAsync(context, feature, error);
        await ReportAsync(grains, routes, outcomes, metrics, traffic, service, probe, feature);
    }

    private static ProxyFeature NewFeature(
        string service, string pathAndQuery, ServiceRoute route, AdmissionResult admitted, long? probe, ForwardSigning? signing, CachePlan? plan) => new()
    {
        Cache = plan,
        Service = service,
        PathAndQuery = pathAndQuery,
        Endpoints = new RouteSelection(route),
        Timeout = TimeSpan.FromSeconds(route.Snapshot.TimeoutSeconds),
        HttpVersion = route.Snapshot.HttpVersion,
        Admission = admitted,
        ProbeToken = probe,
        // The probe, too, may be retried on another endpoint (never the same one): its outcome is its last
        // attempt's, so one dead endpoint the checks still hold healthy cannot fail it while another is back.
        MaxAttempts = probe is null || route.EndpointCount > 1 ? ProxyFeature.DefaultMaxAttempts : 1,
        Budget = route.Budget,
        IdempotencyScope = admitted.TenantId,
        Signing = signing,
    };

    /// <summary>
    /// A signing service's request: its body is read for the digest before anything is sent. When that fails
    /// (too large, too slow: the exception goes on to the handler; the client gone: aborted), nothing went out,
    /// and <paramref name="giveBack"/> reports so (a probe goes back).
    /// </summary>
    private static async Task<(ForwardSigning? Signing, bool Aborted)> PrepareSigningAsync(
        HttpContext context, ServiceRoute route, string tenantId, string keyId, TimeProvider time, Func<Task> giveBack)
    {
        try
        {
            var prepared = await ForwardSigning.PrepareAsync(context, route.Snapshot, tenantId, keyId, time);
            if (prepared.Aborted)
            {
                await giveBack();
            }

            return prepared;
        }
        catch (BadHttpRequestException)
        {
            await giveBack();
            throw;
        }
    }

    /// <summary>The refusal of a request nothing need be looked up for; null to go on.</summary>
    private static IResult? RefuseAtTheDoor(HttpContext context, string service, Admission admission)
    {
        if (ReservedPaths.IsReserved(service))
        {
            return Problem.For(GatewayError.RouteNotFound);
        }

        if (!ServiceValidation.IsServiceId(service))
        {
            return Problem.For(GatewayError.UnknownService);
        }

        // Nothing is looked up for an address that spent its failed-authentication budget.
        if (admission.IsBlocked(context.Request))
        {
            return Admission.TooManyFailuresProblem();
        }

        return ForwardableHeaders.FirstInvalid(context.Request.Headers) is { } header
            ? Problem.For(GatewayError.InvalidHeader, $"The value of '{header}' has characters other than visible ASCII, space and tab.")
            : null;
    }

    /// <summary>
    /// The report step: each attempt to the metrics and, answered or failed, to the console's traffic record and, for
    /// the downstream's health, to the batched outcome reports — or, for the half-open probe, its one outcome to the
    /// service grain (a probe without one, refused or left by its client, is given back so another request may probe
    /// at once). The client's own faults count nowhere.
    /// </summary>
    private static async Task ReportAsync(
        IGrainFactory grains,
        RoutingTable routes,
        OutcomeReporter outcomes,
        GatewayMetrics metrics,
        TrafficHistory traffic,
        string service,
        long? probe,
        ProxyFeature? feature)
    {
        bool? probeOutcome = null;
        foreach (var attempt in feature?.Attempts ?? [])
        {
            metrics.ForwardAttempt(service, attempt.Result switch
            {
                AttemptResult.Success => "success",
                AttemptResult.ClientAborted => "client-aborted",
                AttemptResult.ClientFault => "client-fault",
                _ => "failure",
            });
            if (attempt.Result is AttemptResult.Success or AttemptResult.Failure)
            {
                var ok = attempt.Result == AttemptResult.Success;
                traffic.Attempt(service, failed: !ok, attempt.Elapsed);
                if (probe is null)
                {
                    outcomes.Record(service, feature!.Used[attempt.Attempt].Url, ok);
                }
                else
                {
                    probeOutcome = ok;
                }
            }
        }

        if (probe is not { } token)
        {
            return;
        }

        var grain = grains.GetGrain<IServiceGrain>(service);
        if (probeOutcome is { } success)
        {
            routes.Observe(service, await grain.ReportProbeAsync(token, success));
        }
        else
        {
            await grain.ReleaseProbeAsync(token);
        }
    }

    /// <summary>
    /// The service's route. When this front end does not hold it, the request is authenticated first, at cost
    /// 0 (401 before 404, so keyless callers cannot map the services, and a request that reaches nothing spends
    /// nothing), and only then looked up. Null when the refusal has been written.
    /// </summary>
    private static async Task<ServiceRoute?> RouteAsync(
        HttpContext context, string service, Admission admission, RoutingTable routes, (string KeyId, string Secret)? credentials)
    {
        if (credentials is not null && routes.TryGetCached(service) is { } cached)
        {
            return cached;
        }

        var authenticated = await admission.AdmitAsync(context.Request, credentials, cost: 0, service);
        if (!authenticated.IsAllowed)
        {
            await Admission.WriteRefusalAsync(context, authenticated);
            return null;
        }

        var route = await routes.GetAsync(service);
        if (route is null)
        {
            RateLimitHeaders.Apply(context.Response, authenticated);
            await Problem.WriteAsync(context, GatewayError.UnknownService);
        }

        return route;
    }

    /// <summary>
    /// Applies the breaker: (true, null) to go on, (true, token) when this request is the half-open probe,
    /// (false, _) when the 503 has been written.
    /// </summary>
    private static async Task<(bool Proceed, long? Probe)> PassCircuitAsync(
        HttpContext context, IGrainFactory grains, RoutingTable routes, ServiceRoute route, string service, TimeProvider time)
    {
        switch (route.Decide(time.GetTimestamp(), time.TimestampFrequency, out var retryAfter))
        {
            case CircuitDecision.Refuse:
                await WriteCircuitOpenAsync(context, retryAfter);
                return (false, null);
            case CircuitDecision.Probe:
                var grant = await grains.GetGrain<IServiceGrain>(service).TryAcquireProbeAsync();
                if (grant is { Closed: true, Stamp: { } closedAt })
                {
                    // Another probe closed the circuit after this front end's snapshot: pass, and fetch the new one.
                    routes.Observe(service, closedAt);
                    return (true, null);
                }

                if (!grant.Granted)
                {
                    var wait = TimeSpan.FromMilliseconds(Math.Max(grant.RetryAfterMilliseconds, 1000));
                    route.ProbeRefused(time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency));
                    await WriteCircuitOpenAsync(context, wait);
                    return (false, null);
                }

                return (true, grant.Token);
            default:
                return (true, null);
        }
    }

    private static Task WriteCircuitOpenAsync(HttpContext context, TimeSpan retryAfter) =>
        Problem.WriteAsync(context, GatewayError.CircuitOpen, retryAfterSeconds: (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)));
}
