using Silo.Api.Endpoints;
using Silo.Api.Errors;
using Silo.Api.Telemetry;

namespace Silo.Api.Auth;

/// <summary>
/// Lets an admin request through only with <c>Authorization: Bearer &lt;admin token&gt;</c>. A failure goes to the
/// <see cref="SecurityLog"/> (never the presented token; never a tenant's audit trail) and is counted against
/// the client address in the admin API's own budget (guessing the token gets 429, as guessing keys does; bad
/// API keys never spend it).
/// </summary>
internal sealed class AdminAuthorizationFilter(
    AdminToken token,
    [FromKeyedServices(FailedAuthenticationLimiter.Admin)] FailedAuthenticationLimiter failures,
    SecurityLog securityLog,
    GatewayMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var address = http.Connection.RemoteIpAddress;
        if (failures.IsBlocked(address))
        {
            metrics.AuthenticationBlocked("admin");
            return Admission.TooManyFailuresProblem();
        }

        var request = http.Request;
        var authorization = request.Headers.Authorization;
        string? presented = null;
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = value["Bearer ".Length..].Trim();
        }

        if (!token.Matches(presented))
        {
            failures.RecordFailure(address);
            securityLog.AdminFailed(address, request.Method, request.Path);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem.For(GatewayError.AdminUnauthorized);
        }

        return await next(context);
    }
}
