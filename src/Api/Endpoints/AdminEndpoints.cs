using Silo.Api.Auth;

namespace Silo.Api.Endpoints;

/// <summary>The admin API: every route under <c>/admin</c> is rate limited and requires the admin bearer token.</summary>
internal static class AdminEndpoints
{
    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin")
            .RequireRateLimiting(AdminRateLimiting.PolicyName)
            .AddEndpointFilter<AdminAuthorizationFilter>()
            .WithTags("Admin")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        admin.MapTenantEndpoints();
        admin.MapKeyEndpoints();
        admin.MapServiceEndpoints();
    }
}
