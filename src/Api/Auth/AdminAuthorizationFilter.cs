using Silo.Api.Auth;
using Silo.Api.Endpoints;
using Silo.Api.Errors;
using Silo.Api.Validation;
using Silo.Grains.Keys;
using Silo.Grains.Tenants;

namespace Silo.Api.Auth;

/// <summary>
/// Lets an admin request through only with <c>Authorization: Bearer &lt;admin token&gt;</c>. A failure is
/// logged (never the presented token), counted against the client address (guessing the token gets 429, as
/// guessing keys does) and, when the route names a tenant or one of its keys, recorded in that tenant's audit.
/// </summary>
internal sealed partial class AdminAuthorizationFilter(
    AdminToken token,
    FailedAuthenticationLimiter failures,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<AdminAuthorizationFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var address = http.Connection.RemoteIpAddress;
        if (failures.IsBlocked(address))
        {
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
            var from = address?.ToString() ?? "unknown";
            LogAdminAuthFailed(logger, from, request.Method, request.Path);
            await AuditAsync(http, from);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem.For(GatewayError.AdminUnauthorized);
        }

        return await next(context);
    }

    /// <summary>Records the failure with the tenant the route is about, if it names one that exists.</summary>
    private async Task AuditAsync(HttpContext http, string from)
    {
        var route = http.Request.RouteValues;
        string? tenant = route["tenant"] as string;
        if (tenant is null && route["keyId"] is string keyId && ApiKeyFormat.IsKeyId(keyId))
        {
            tenant = (await grains.GetGrain<IApiKeyGrain>(keyId).GetAsync())?.TenantId;
        }

        if (tenant is not null && Identifiers.IsSlug(tenant))
        {
            var detail = $"{http.Request.Method} {http.Request.Path} from {from}";
            await grains.GetGrain<ITenantGrain>(tenant).RecordAuditAsync(new AuditEvent(time.GetUtcNow(), "admin.auth-failed", null, detail));
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Admin authentication failed from {RemoteAddress} for {Method} {Path}")]
    private static partial void LogAdminAuthFailed(ILogger logger, string remoteAddress, string method, PathString path);
}
