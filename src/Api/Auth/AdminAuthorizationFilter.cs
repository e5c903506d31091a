using Silo.Api.Errors;

namespace Silo.Api.Auth;

/// <summary>Lets an admin request through only with <c>Authorization: Bearer &lt;admin token&gt;</c>.</summary>
internal sealed partial class AdminAuthorizationFilter(AdminToken token, ILogger<AdminAuthorizationFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var authorization = request.Headers.Authorization;
        string? presented = null;
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = value["Bearer ".Length..].Trim();
        }

        if (!token.Matches(presented))
        {
            LogAdminAuthFailed(logger, context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", request.Method, request.Path);
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem.For(GatewayError.AdminUnauthorized);
        }

        return await next(context);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Admin authentication failed from {RemoteAddress} for {Method} {Path}")]
    private static partial void LogAdminAuthFailed(ILogger logger, string remoteAddress, string method, PathString path);
}
