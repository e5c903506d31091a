using System.Text.RegularExpressions;
using Silo.Api.Cors;
using Silo.Api.Errors;
using Silo.Grains.Cors;

namespace Silo.Api.Cors;

/// <summary>
/// Per-tenant CORS on the data plane. A preflight carries no API key, so it is answered at the edge for any
/// origin some tenant allows (the actual request still needs a valid key). The actual response carries
/// <c>Access-Control-Allow-Origin</c> only when the key's own tenant allows the origin, so a browser page can
/// read answers only for the tenants that listed it. Admin and operations routes never answer CORS.
/// </summary>
internal sealed partial class CorsMiddleware(RequestDelegate next, CorsTable table)
{
    private const string ExposedHeaders = "RateLimit, RateLimit-Policy, Retry-After";
    private const int MaxAgeSeconds = 600;

    public Task InvokeAsync(HttpContext context)
    {
        // Most calls carry no Origin (servers, CLIs): pass them on without an async state machine.
        var originHeader = context.Request.Headers.Origin;
        return originHeader.Count != 1 || IsGatewayPath(context.Request.Path) ? next(context) : HandleAsync(context, originHeader[0]!);
    }

    private async Task HandleAsync(HttpContext context, string origin)
    {
        var request = context.Request;
        var known = CorsOrigins.TryNormalize(origin, out var normalized) && normalized != CorsOrigins.Any;
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            await PreflightAsync(context, origin, known && await table.AnyTenantAllowsAsync(normalized));
            return;
        }

        if (known)
        {
            context.Response.OnStarting(static state => ((ActualRequest)state).ApplyAsync(), new ActualRequest(context, table, origin, normalized));
        }

        await next(context);
    }

    private static Task PreflightAsync(HttpContext context, string origin, bool allowed)
    {
        var headers = context.Response.Headers;
        headers.Vary = "Origin";
        if (!allowed)
        {
            return Problem.For(GatewayError.OriginNotAllowed).ExecuteAsync(context);
        }

        var method = context.Request.Headers["Access-Control-Request-Method"].ToString();
        var requested = context.Request.Headers["Access-Control-Request-Headers"].ToString();
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowMethods = TokenList().IsMatch(method) ? method : "GET, POST";
        if (requested.Length > 0 && TokenList().IsMatch(requested))
        {
            headers.AccessControlAllowHeaders = requested;
        }

        headers.AccessControlMaxAge = MaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Removes every CORS header a downstream sent (applied to every proxied and replayed response, whatever the
    /// request's Origin looked like): only the gateway grants CORS, per the key's tenant.
    /// </summary>
    public static void RemoveDownstreamCors(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        List<string>? names = null;
        foreach (var name in headers.Keys)
        {
            if (name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
            {
                (names ??= []).Add(name);
            }
        }

        foreach (var name in names ?? [])
        {
            headers.Remove(name);
        }
    }

    private static bool IsGatewayPath(PathString path) =>
        path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/login", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 100)]
    private static partial Regex TokenList();

    private sealed class ActualRequest(HttpContext context, CorsTable table, string origin, string normalized)
    {
        public async Task ApplyAsync()
        {
            var headers = context.Response.Headers;
            headers.Append("Vary", "Origin");
            // A downstream's own CORS headers are gone already (RemoveDownstreamCors): the gateway decides who
            // may read through it.
            if (Hosting.GatewayRequest.Of(context)?.TenantId is { } tenant && await table.TenantAllowsAsync(tenant, normalized))
            {
                headers.AccessControlAllowOrigin = origin;
                headers.AccessControlExposeHeaders = ExposedHeaders;
            }
        }
    }
}
