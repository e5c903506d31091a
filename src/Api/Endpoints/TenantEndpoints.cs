using Silo.Api.Contracts;
using Silo.Api.Cors;
using Silo.Api.Errors;
using Silo.Api.Json;
using Silo.Api.Validation;
using Silo.Grains.Cors;
using Silo.Grains.RateLimiting;
using Silo.Grains.Services;
using Silo.Grains.Tenants;
using Silo.Grains;

namespace Silo.Api.Endpoints;

/// <summary><c>/admin/tenants</c>: create and read tenants.</summary>
internal static partial class TenantEndpoints
{
    public const int MaxNameLength = 200;

    public static void MapTenantEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/tenants", (HttpContext context, IGrainFactory grains) => AdminEndpoints.ListIdsAsync(context, grains, IDirectoryGrain.Tenants))
            .Produces<List<string>>().ProducesValidationProblem()
            .WithSummary("Tenant ids, oldest first: all, or a page with ?limit=1..10000&after=<id> (the next page in the Link header)");
        admin.MapPost("/tenants", CreateAsync)
            .JsonBody<CreateTenantRequest>().Produces<TenantInfo>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create a tenant with its limits");
        admin.MapGet("/tenants/{tenant}", GetAsync)
            .Produces<TenantInfo>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A tenant: status, limits, current usage, keys");
        admin.MapDelete("/tenants/{tenant}", DeleteAsync)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete a tenant: its keys are revoked everywhere before the answer, its issuers released, its counts and settings cleared (its audit log is kept)");
        admin.MapPut("/tenants/{tenant}/limits", SetLimitsAsync)
            .JsonBody<List<LimitDefinition>>().Produces<TenantInfo>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Replace a tenant's limits (applies on the next request)");
        admin.MapPut("/tenants/{tenant}/cors", SetCorsAsync)
            .JsonBody<List<string>>().Produces<TenantInfo>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Replace the browser origins allowed to call with the tenant's keys (within 1 s on every front end)");
        admin.MapPut("/tenants/{tenant}/cache", SetCacheBudgetAsync)
            .JsonBody<TenantCacheBudget>().Produces<TenantInfo>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Set what the tenant's cached responses may take on each front end (maxBytes, maxItems; within 5 s everywhere)");
        admin.MapGet("/tenants/{tenant}/cache", CacheUsageAsync)
            .Produces<TenantCacheUsage>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("What the tenant's cached responses take on this front end, and the budget applied to them");
        admin.MapDelete("/tenants/{tenant}/cache", (string tenant, IGrainFactory grains) => StoreCacheBudgetAsync(tenant, null, grains))
            .Produces<TenantInfo>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Give the tenant the front ends' default cache budget again");
        admin.MapPost("/tenants/{tenant}/suspend", (string tenant, IGrainFactory grains, ILoggerFactory loggers) => SetStatusAsync(tenant, TenantStatus.Suspended, grains, loggers))
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Suspend a tenant: its keys get 403");
        admin.MapPost("/tenants/{tenant}/resume", (string tenant, IGrainFactory grains, ILoggerFactory loggers) => SetStatusAsync(tenant, TenantStatus.Active, grains, loggers))
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Resume a suspended tenant");
        admin.MapGet("/tenants/{tenant}/audit", GetAuditAsync)
            .Produces<List<AuditEvent>>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A tenant's events (keys created, rotated, revoked; tenant suspended, resumed, changed), newest first; ?limit=1..10000, default 1000");
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IGrainFactory grains)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateTenantRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var origins = Validate(body!, string.Empty, errors);
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var tenant = grains.GetGrain<ITenantGrain>(body!.Id!);
        if (!await tenant.CreateAsync(new TenantDefinition(body.Name!, body.Limits ?? [], origins, body.Cache)))
        {
            return Problem.For(GatewayError.AlreadyExists, $"Tenant '{body.Id}' already exists.");
        }

        return TypedResults.Json(await tenant.GetAsync(), GatewayJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation($"/admin/tenants/{body.Id}");
    }

    /// <summary>Checks a tenant's fields into <paramref name="errors"/>, each named after <paramref name="prefix"/>; answers its origins normalized.</summary>
    internal static IReadOnlyList<string> Validate(CreateTenantRequest body, string prefix, IDictionary<string, string> errors)
    {
        if (!Identifiers.IsSlug(body.Id))
        {
            errors[prefix + "id"] = "Required: " + Identifiers.Description;
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > MaxNameLength)
        {
            errors[prefix + "name"] = $"Required: 1-{MaxNameLength} characters.";
        }

        LimitValidation.Validate(body.Limits, prefix + "limits", errors);
        ValidateCacheBudget(body.Cache, prefix + "cache", errors);
        return CorsOrigins.Validate(body.CorsOrigins, prefix + "corsOrigins", errors);
    }

    /// <summary>The most bytes a tenant's cache budget may name (1 GiB per front end).</summary>
    public const long MaxCacheBytes = 1L << 30;

    internal static void ValidateCacheBudget(TenantCacheBudget? budget, string field, IDictionary<string, string> errors)
    {
        if (budget is null)
        {
            return;
        }

        if (budget.MaxBytes is < 1 or > MaxCacheBytes)
        {
            errors[field + ".maxBytes"] = $"Must be between 1 and {MaxCacheBytes}.";
        }

        if (budget.MaxItems is < 1 or > 10_000_000)
        {
            errors[field + ".maxItems"] = "Must be between 1 and 10000000.";
        }
    }

    private static async Task<IResult> SetLimitsAsync(string tenant, HttpRequest request, IGrainFactory grains)
    {
        var (body, error) = await JsonBody.ReadAsync<List<LimitDefinition>>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        LimitValidation.Validate(body, "limits", errors);
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var grain = grains.GetGrain<ITenantGrain>(tenant);
        if (!Identifiers.IsSlug(tenant) || !await grain.SetLimitsAsync(body!))
        {
            return Problem.For(GatewayError.UnknownTenant);
        }

        return TypedResults.Json(await grain.GetAsync(), GatewayJson.Options);
    }

    private static async Task<IResult> SetCacheBudgetAsync(string tenant, HttpRequest request, IGrainFactory grains)
    {
        var (body, error) = await JsonBody.ReadAsync<TenantCacheBudget>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        ValidateCacheBudget(body ?? new TenantCacheBudget(0, 0), "cache", errors);
        return errors.Count > 0 ? Problem.Validation(errors) : await StoreCacheBudgetAsync(tenant, body, grains);
    }

    private static async Task<IResult> CacheUsageAsync(string tenant, IGrainFactory grains, Caching.ResponseCache cache)
    {
        if (!Identifiers.IsSlug(tenant) || await grains.GetGrain<ITenantGrain>(tenant).GetAsync() is null)
        {
            return Problem.For(GatewayError.UnknownTenant);
        }

        var (bytes, items, maxBytes, maxItems) = cache.TenantUsage(tenant);
        return TypedResults.Json(new TenantCacheUsage(tenant, bytes, items, maxBytes, maxItems), GatewayJson.Options);
    }

    private static async Task<IResult> StoreCacheBudgetAsync(string tenant, TenantCacheBudget? budget, IGrainFactory grains)
    {
        var grain = grains.GetGrain<ITenantGrain>(tenant);
        if (!Identifiers.IsSlug(tenant) || !await grain.SetCacheBudgetAsync(budget))
        {
            return Problem.For(GatewayError.UnknownTenant);
        }

        return TypedResults.Json(await grain.GetAsync(), GatewayJson.Options);
    }

    private static async Task<IResult> SetCorsAsync(string tenant, HttpRequest request, IGrainFactory grains)
    {
        var (body, error) = await JsonBody.ReadAsync<List<string?>>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var origins = CorsOrigins.Validate(body, "corsOrigins", errors);
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var grain = grains.GetGrain<ITenantGrain>(tenant);
        if (!Identifiers.IsSlug(tenant) || !await grain.SetCorsOriginsAsync(origins))
        {
            return Problem.For(GatewayError.UnknownTenant);
        }

        return TypedResults.Json(await grain.GetAsync(), GatewayJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string tenant, IGrainFactory grains, ILoggerFactory loggers) =>
        Identifiers.IsSlug(tenant) && await Deletion.DeleteTenantAsync(grains, loggers.CreateLogger("Silo.Api.Audit"), tenant)
            ? TypedResults.NoContent()
            : Problem.For(GatewayError.UnknownTenant);

    private static async Task<IResult> SetStatusAsync(string tenant, TenantStatus status, IGrainFactory grains, ILoggerFactory loggers)
    {
        if (!Identifiers.IsSlug(tenant) || !await grains.GetGrain<ITenantGrain>(tenant).SetStatusAsync(status))
        {
            return Problem.For(GatewayError.UnknownTenant);
        }

        LogTenantStatus(loggers.CreateLogger("Silo.Api.Audit"), tenant, status);
        return TypedResults.NoContent();
    }

    /// <summary>The most events one audit read returns, and how many it returns when not asked.</summary>
    public const int MaxAuditRead = 10_000, DefaultAuditRead = 1000;

    private static async Task<IResult> GetAuditAsync(string tenant, string? limit, IGrainFactory grains)
    {
        if (QueryNumber.Read(limit, 1, MaxAuditRead, DefaultAuditRead) is not { } count)
        {
            return Problem.Validation(new Dictionary<string, string>(StringComparer.Ordinal) { ["limit"] = QueryNumber.Expected(1, MaxAuditRead) });
        }

        var audit = Identifiers.IsSlug(tenant) ? await grains.GetGrain<ITenantGrain>(tenant).GetAuditAsync(count) : null;
        return audit is null ? Problem.For(GatewayError.UnknownTenant) : TypedResults.Json(audit, GatewayJson.Options);
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Audit: tenant {TenantId} is now {Status}")]
    private static partial void LogTenantStatus(ILogger logger, string tenantId, TenantStatus status);

    private static async Task<IResult> GetAsync(string tenant, IGrainFactory grains)
    {
        var info = Identifiers.IsSlug(tenant) ? await grains.GetGrain<ITenantGrain>(tenant).GetAsync() : null;
        return info is null
            ? Problem.For(GatewayError.UnknownTenant)
            : TypedResults.Json(info, GatewayJson.Options);
    }
}
