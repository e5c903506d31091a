using Silo.Api.Auth;
using Silo.Api.Json;
using Silo.Grains.Services;

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
        admin.MapConfigEndpoints();
        app.MapConfigSchema();
    }

    /// <summary>The ids in one of the cluster's indexes (<see cref="IDirectoryGrain"/>), in the order they were added.</summary>
    internal static async Task<IResult> ListIdsAsync(IGrainFactory grains, string index)
    {
        var snapshot = await grains.GetGrain<IDirectoryGrain>(index).GetIfNewerAsync(0);
        return TypedResults.Json(snapshot?.Ids ?? [], GatewayJson.Options);
    }
}
