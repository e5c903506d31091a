using Silo.Api.Auth;
using Silo.Api.Errors;
using Silo.Api.Forwarding;
using Silo.Api.Routing;
using Silo.Grains.Services;
using Silo.Runtime;

namespace Silo.Api.Endpoints;

/// <summary><c>ANY /{service}/{**path}</c>: admit, pick an endpoint from the cached route, forward.</summary>
internal static class ProxyEndpoints
{
    public static void MapProxyEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/{service}/{**path}", ProxyAsync)
            .WithTags("Data plane").WithSummary("Proxied to a healthy endpoint of {service} (X-Api-Key)");
    }

    private static async Task ProxyAsync(HttpContext context, string service, IGrainFactory grains, FailedAuthenticationLimiter failures, RoutingTable routes, HttpForwarder forwarder)
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

        var admission = await Admission.AdmitAsync(grains, failures, context.Request, cost: 1, service);
        if (!admission.IsAllowed)
        {
            await Admission.WriteRefusalAsync(context, admission);
            return;
        }

        var route = await routes.GetAsync(service);
        var endpoint = route?.Pick();
        if (route is null || endpoint is null)
        {
            RateLimitHeaders.Apply(context.Response, admission);
            await Problem.WriteAsync(context, route is null ? GatewayError.UnknownService : GatewayError.NoHealthyEndpoint, retryAfterSeconds: route is null ? null : 1);
            return;
        }

        var target = BuildTarget(endpoint.Url, context.Request, service);
        var outcome = await forwarder.ForwardAsync(
            context,
            target,
            TimeSpan.FromSeconds(route.Snapshot.TimeoutSeconds),
            response =>
            {
                context.Items[Hosting.SecurityHeadersMiddleware.ProxiedKey] = true;
                RateLimitHeaders.Apply(response, admission);
            });
        if (outcome.Error is { } error && !context.Response.HasStarted)
        {
            RateLimitHeaders.Apply(context.Response, admission);
            await Problem.WriteAsync(context, error);
        }
    }

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
