using Silo.Api.Validation;
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
        admin.MapSigningKeyEndpoints();
        admin.MapIssuerEndpoints();
        admin.MapConfigEndpoints();
        admin.MapTrafficEndpoints();
        app.MapConfigSchema();
    }

    /// <summary>The most ids one page of a list holds. The value is 10,000.</summary>
    public const int MaxPage = 10_000;

    /// <summary>
    /// The ids in one of the cluster's indexes (<see cref="IDirectoryGrain"/>), in the order they were added: all
    /// of them, or with <c>?limit=</c> a page of at most that many after the id <c>?after=</c> names, the next page's
    /// address in a <c>Link: &lt;…&gt;; rel="next"</c> header while there is one (RFC 8288).
    /// </summary>
    internal static async Task<IResult> ListIdsAsync(HttpContext context, IGrainFactory grains, string index)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var limit = QueryNumber.Read(query["limit"] is { Count: > 0 } given ? given[0] : null, 1, MaxPage, fallback: int.MaxValue);
        if (limit is null)
        {
            errors["limit"] = QueryNumber.Expected(1, MaxPage);
        }

        var ids = (await grains.GetGrain<IDirectoryGrain>(index).GetIfNewerAsync(0))?.Ids ?? [];
        var start = 0;
        if (query["after"] is { Count: > 0 } after)
        {
            var at = ids.ToList().IndexOf(after[0]!);
            if (at < 0)
            {
                errors["after"] = "Must be an id of this list (the last one of the previous page).";
            }

            start = at + 1;
        }

        if (errors.Count > 0)
        {
            return Errors.Problem.Validation(errors);
        }

        var page = ids.Skip(start).Take(limit!.Value).ToArray();
        if (start + page.Length < ids.Count && page.Length > 0)
        {
            var next = $"{context.Request.PathBase}{context.Request.Path}?limit={limit}&after={Uri.EscapeDataString(page[^1])}";
            context.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        }

        return TypedResults.Json(page, GatewayJson.Options);
    }
}
