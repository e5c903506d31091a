using Silo.ServiceDefaults;
using Silo.Api.Endpoints;
using Silo.Api.Errors;
using Silo.Api.Telemetry;

namespace Silo.Api.Auth;

/// <summary>
/// Lets an admin request through only with <c>Authorization: Bearer &lt;admin token&gt;</c>, or from the gateway
/// console: a browser session (<see cref="AdminLogin"/>) and, for anything but a read, the console's own header
/// <see cref="AdminLogin.ConsoleHeader"/>, which a form or a page on another site cannot send. A failure goes to the
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

        if (authorization.Count == 0 && await AdminLogin.HasSessionAsync(http))
        {
            return HttpMethods.IsGet(request.Method) || request.Headers.ContainsKey(AdminLogin.ConsoleHeader)
                ? await next(context)
                : Problem.For(GatewayError.AdminUnauthorized, $"A change made with a browser session must come from the console (the {AdminLogin.ConsoleHeader} header).");
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
