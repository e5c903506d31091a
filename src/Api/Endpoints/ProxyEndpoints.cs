using Silo.Api.Auth;
using Silo.Api.Errors;
using Silo.Api.Forwarding;
using Silo.Api.Routing;
using Silo.Grains.Admission;
using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Runtime;

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
        FailedAuthenticationLimiter failures,
        RoutingTable routes,
        OutcomeReporter outcomes,
        HttpForwarder forwarder,
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

        // The breaker is asked before admission, so a refused request costs the key nothing; only a
        // well-formed credential gets this far (the cached route needs no grain call).
        var route = ApiKeyCredentials.TryRead(context.Request, out _, out _) ? await routes.GetAsync(service) : null;
        var (proceed, probe) = route is null ? (true, false) : await PassCircuitAsync(context, grains, route, service, time);
        if (!proceed)
        {
            return;
        }

        // An unknown service still authenticates first (401 before 404, so keyless callers cannot map the
        // services), but with cost 0: a request that reaches nothing spends nothing.
        var admission = await Admission.AdmitAsync(grains, failures, context.Request, cost: route is null ? 0 : 1, service);
        if (!admission.IsAllowed)
        {
            await ReleaseProbeAsync(context, grains, routes, service, probe, success: null);
            await Admission.WriteRefusalAsync(context, admission);
            return;
        }

        var endpoint = route?.Pick();
        if (route is null || endpoint is null)
        {
            await ReleaseProbeAsync(context, grains, routes, service, probe, success: null);
            RateLimitHeaders.Apply(context.Response, admission);
            await Problem.WriteAsync(context, route is null ? GatewayError.UnknownService : GatewayError.NoHealthyEndpoint, retryAfterSeconds: route is null ? null : 1);
            return;
        }

        var success = await ForwardAsync(context, forwarder, route, endpoint, service, admission);
        if (success is { } ok)
        {
            if (probe)
            {
                await ReleaseProbeAsync(context, grains, routes, service, probe, ok);
            }
            else
            {
                outcomes.Record(service, endpoint.Url, ok);
            }
        }
    }

    /// <summary>Forwards and answers; returns the outcome for the breaker and outlier detection (null: the client left).</summary>
    private static async Task<bool?> ForwardAsync(HttpContext context, HttpForwarder forwarder, ServiceRoute route, EndpointLoad endpoint, string service, AdmissionResult admission)
    {
        var target = BuildTarget(endpoint.Url, context.Request, service);
        int? status = null;
        endpoint.BeginRequest();
        ForwardOutcome outcome;
        try
        {
            outcome = await forwarder.ForwardAsync(
                context,
                target,
                TimeSpan.FromSeconds(route.Snapshot.TimeoutSeconds),
                response =>
                {
                    status = response.StatusCode;
                    context.Items[Hosting.SecurityHeadersMiddleware.ProxiedKey] = true;
                    RateLimitHeaders.Apply(response, admission);
                });
        }
        finally
        {
            endpoint.EndRequest();
        }

        if (outcome.Error is { } error && !context.Response.HasStarted)
        {
            RateLimitHeaders.Apply(context.Response, admission);
            await Problem.WriteAsync(context, error);
        }

        // A client that went away says nothing about the downstream; everything else is an outcome.
        return outcome.Error is not null ? false
            : status is { } code ? code < 500
            : context.RequestAborted.IsCancellationRequested ? null : false;
    }

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

    /// <summary>Reports the probe's outcome (a probe that never reached the downstream counts as not sent).</summary>
    private static async Task ReleaseProbeAsync(HttpContext context, IGrainFactory grains, RoutingTable routes, string service, bool probe, bool? success)
    {
        if (!probe || success is not { } ok || context.Items[ProbeTokenKey] is not long token)
        {
            return;
        }

        var stamp = await grains.GetGrain<IServiceGrain>(service).ReportProbeAsync(token, ok);
        routes.Observe(service, stamp);
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
