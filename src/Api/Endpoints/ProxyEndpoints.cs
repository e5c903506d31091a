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
    private const string ProbeTokenKey = "silo.probe";

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
        HttpForwarder forwarder,
        GatewayMetrics metrics,
        TimeProvider time)
    {
        // Reserved segments belong to the gateway and malformed ids can never be services: answer
        // without touching a grain.
        if (ReservedPaths.IsReserved(service))
        {
            await Problem.WriteAsync(context, GatewayError.RouteNotFound);
            return;
        }

        if (!ServiceValidation.IsServiceId(service))
        {
            await Problem.WriteAsync(context, GatewayError.UnknownService);
            return;
        }

        // Nothing is looked up for an address that spent its failed-authentication budget or a request
        // without a well-formed key.
        if (admission.IsBlocked(context.Request))
        {
            await Admission.TooManyFailuresProblem().ExecuteAsync(context);
            return;
        }

        var credentials = Admission.ReadCredentials(context.Request);
        var route = await RouteAsync(context, service, admission, routes, credentials);
        if (route is null)
        {
            return;
        }

        // The breaker is asked before the request is counted, so a refused request costs the key nothing.
        var (proceed, probe) = await PassCircuitAsync(context, grains, route, service, time);
        if (!proceed)
        {
            return;
        }

        var admitted = await admission.AdmitAsync(context.Request, credentials, cost: 1, service);
        if (!admitted.IsAllowed)
        {
            await ReleaseProbeAsync(context, grains, routes, service, probe, success: null);
            await Admission.WriteRefusalAsync(context, admitted);
            return;
        }

        var endpoint = route.Pick();
        if (endpoint is null)
        {
            await ReleaseProbeAsync(context, grains, routes, service, probe, success: null);
            RateLimitHeaders.Apply(context.Response, admitted);
            await Problem.WriteAsync(context, GatewayError.NoHealthyEndpoint, retryAfterSeconds: 1);
            return;
        }

        var success = await ForwardAsync(context, forwarder, outcomes, metrics, route, endpoint, service, admitted, probe);
        if (probe)
        {
            await ReleaseProbeAsync(context, grains, routes, service, probe, success);
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
    /// Forwards (retrying bodiless idempotent requests on another endpoint within the service's retry budget)
    /// and answers. Each attempt's outcome goes to the batched reports; a probe is sent once and its outcome
    /// returned instead (null: the client left, which says nothing about the downstream).
    /// </summary>
    private static async Task<bool?> ForwardAsync(
        HttpContext context, HttpForwarder forwarder, OutcomeReporter outcomes, GatewayMetrics metrics, ServiceRoute route, EndpointLoad first, string service, AdmissionResult admission, bool probe)
    {
        var used = new EndpointLoad?[ForwardRequest.DefaultMaxAttempts];
        bool? probeOutcome = null;
        ForwardOutcome outcome;
        try
        {
            outcome = await forwarder.ForwardAsync(context, Plan(context, outcomes, metrics, route, first, service, admission, probe, used, ok => probeOutcome = ok));
        }
        finally
        {
            // Every endpoint handed out counts as in flight until the whole exchange is over.
            foreach (var endpoint in used)
            {
                endpoint?.EndRequest();
            }
        }

        if (outcome.Error is { } error && !context.Response.HasStarted)
        {
            RateLimitHeaders.Apply(context.Response, admission);
            await Problem.WriteAsync(context, error);
        }

        return probeOutcome;
    }

    /// <summary>The forward of one request: targets for each attempt, and where each attempt's outcome goes.</summary>
    private static ForwardRequest Plan(
        HttpContext context, OutcomeReporter outcomes, GatewayMetrics metrics, ServiceRoute route, EndpointLoad first, string service, AdmissionResult admission, bool probe, EndpointLoad?[] used, Action<bool> onProbe) =>
        new()
        {
            Timeout = TimeSpan.FromSeconds(route.Snapshot.TimeoutSeconds),
            MaxAttempts = probe ? 1 : ForwardRequest.DefaultMaxAttempts,
            Budget = probe ? null : route.Budget,
            IdempotencyScope = admission.TenantId,
            Service = service,
            Target = attempt =>
            {
                var endpoint = attempt == 0 ? first : route.PickOther(used[attempt - 1]!);
                if (endpoint is null || attempt >= used.Length)
                {
                    return null;
                }

                endpoint.BeginRequest();
                used[attempt] = endpoint;
                return BuildTarget(endpoint.Url, context.Request, service);
            },
            AttemptCompleted = attempt =>
            {
                metrics.ForwardAttempt(service, attempt.Result switch
                {
                    AttemptResult.Success => "success",
                    AttemptResult.ClientAborted => "client-aborted",
                    _ => "failure",
                });
                if (attempt.Result == AttemptResult.ClientAborted || used[attempt.Attempt] is not { } endpoint)
                {
                    return;
                }

                var ok = attempt.Result == AttemptResult.Success;
                if (probe)
                {
                    onProbe(ok);
                }
                else
                {
                    outcomes.Record(service, endpoint.Url, ok);
                }
            },
            OnResponse = response =>
            {
                if (Hosting.GatewayRequest.Of(context) is { } gatewayRequest)
                {
                    gatewayRequest.Proxied = true;
                }

                Cors.CorsMiddleware.RemoveDownstreamCors(response.Headers);
                RateLimitHeaders.Apply(response, admission);
            },
        };

    /// <summary>
    /// Applies the breaker: (true, false) to go on, (true, true) when this request is the half-open probe,
    /// (false, _) when the 503 has been written.
    /// </summary>
    private static async Task<(bool Proceed, bool Probe)> PassCircuitAsync(HttpContext context, IGrainFactory grains, ServiceRoute route, string service, TimeProvider time)
    {
        switch (route.Decide(time.GetTimestamp(), time.TimestampFrequency, out var retryAfter))
        {
            case CircuitDecision.Refuse:
                await WriteCircuitOpenAsync(context, retryAfter);
                return (false, false);
            case CircuitDecision.Probe:
                var grant = await grains.GetGrain<IServiceGrain>(service).TryAcquireProbeAsync();
                if (!grant.Granted)
                {
                    var wait = TimeSpan.FromMilliseconds(Math.Max(grant.RetryAfterMilliseconds, 1000));
                    route.ProbeRefused(time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency));
                    await WriteCircuitOpenAsync(context, wait);
                    return (false, false);
                }

                context.Items[ProbeTokenKey] = grant.Token;
                return (true, true);
            default:
                return (true, false);
        }
    }

    /// <summary>
    /// Reports the probe's outcome; a probe without one (refused by admission, no endpoint, the client left) is
    /// given back so that another request may probe at once.
    /// </summary>
    private static async Task ReleaseProbeAsync(HttpContext context, IGrainFactory grains, RoutingTable routes, string service, bool probe, bool? success)
    {
        if (!probe || context.Items[ProbeTokenKey] is not long token)
        {
            return;
        }

        var grain = grains.GetGrain<IServiceGrain>(service);
        if (success is { } ok)
        {
            routes.Observe(service, await grain.ReportProbeAsync(token, ok));
        }
        else
        {
            await grain.ReleaseProbeAsync(token);
        }
    }

    private static Task WriteCircuitOpenAsync(HttpContext context, TimeSpan retryAfter) =>
        Problem.WriteAsync(context, GatewayError.CircuitOpen, retryAfterSeconds: (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)));

    /// <summary>
    /// The endpoint's base URL + the path after <c>/{service}</c> + the query. Scheme and authority come only
    /// from the registered endpoint, so nothing in the request can send it elsewhere.
    /// </summary>
    internal static Uri BuildTarget(string endpointUrl, HttpRequest request, string service)
    {
        var endpoint = new Uri(endpointUrl, UriKind.Absolute);
        request.Path.StartsWithSegments("/" + service, StringComparison.Ordinal, out var remaining);
        var basePath = endpoint.AbsolutePath.TrimEnd('/');
        var target = $"{endpoint.Scheme}://{endpoint.Authority}{basePath}{remaining.ToUriComponent()}{request.QueryString.ToUriComponent()}";
        return new Uri(target, UriKind.Absolute);
    }
}
