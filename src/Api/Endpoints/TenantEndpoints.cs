using Silo.Api.Contracts;
using Silo.Api.Errors;
using Silo.Api.Json;
using Silo.Grains;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.Runtime;

namespace Silo.Api.Endpoints;

/// <summary><c>/admin/tenants</c>: create and read tenants.</summary>
internal static class TenantEndpoints
{
    public const int MaxNameLength = 200;

    public static void MapTenantEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapPost("/tenants", CreateAsync);
        admin.MapGet("/tenants/{tenant}", GetAsync);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IGrainFactory grains)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateTenantRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Identifiers.IsSlug(body!.Id))
        {
            errors["id"] = "Required: " + Identifiers.Description;
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > MaxNameLength)
        {
            errors["name"] = $"Required: 1-{MaxNameLength} characters.";
        }

        LimitValidation.Validate(body.Limits, "limits", errors);
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var tenant = grains.GetGrain<ITenantGrain>(body.Id!);
        if (!await tenant.CreateAsync(new TenantDefinition(body.Name!, body.Limits ?? [])))
        {
            return Problem.For(GatewayError.AlreadyExists, $"Tenant '{body.Id}' already exists.");
        }

        return TypedResults.Json(await tenant.GetAsync(), GatewayJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation($"/admin/tenants/{body.Id}");
    }

    private static async Task<IResult> GetAsync(string tenant, IGrainFactory grains)
    {
        var info = Identifiers.IsSlug(tenant) ? await grains.GetGrain<ITenantGrain>(tenant).GetAsync() : null;
        return info is null
            ? Problem.For(GatewayError.UnknownTenant)
            : TypedResults.Json(info, GatewayJson.Options);
    }
}
