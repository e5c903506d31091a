using Silo.Api.Caching;
using Silo.Api.Contracts;
using Silo.Api.Telemetry;
using Silo.Api.Errors;
using Silo.Api.Json;
using Silo.Api.Routing;
using Silo.Api.Validation;
using Silo.Grains.Services;

namespace Silo.Api.Endpoints;

/// <summary><c>/admin/services</c>: register and read downstream services.</summary>
internal static class ServiceEndpoints
{
    public static void MapServiceEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/services", (HttpContext context, IGrainFactory grains) => AdminEndpoints.ListIdsAsync(context, grains, IDirectoryGrain.Services))
            .Produces<List<string>>().ProducesValidationProblem()
            .WithSummary("Service ids, oldest first: all, or a page with ?limit=1..10000&after=<id> (the next page in the Link header)");
        admin.MapPost("/services", CreateAsync)
            .JsonBody<CreateServiceRequest>().Produces<ServiceResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Register a downstream service and its endpoints");
        admin.MapGet("/services/{service}", GetAsync)
            .Produces<ServiceResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A service: endpoints, health, breaker state");
        admin.MapDelete("/services/{service}", DeleteAsync)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete a service: its definition, signing keys and health state; every front end stops routing to it within about 2 s (this one at once)");
        admin.MapDelete("/services/{service}/cache", PurgeCacheAsync)
            .Produces<CachePurgeResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Remove the service's cached responses (all, or ?prefix=/path for targets starting with it) from every front end");
        admin.MapPut("/services/{service}/endpoints", SetEndpointsAsync)
            .JsonBody<List<EndpointDefinition>>().Produces<ServiceResponse>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Replace the endpoints: add, remove, drain, reweigh (every front end within 1 s)");
        admin.MapPost("/services/{service}/circuit/isolate", (string service, IGrainFactory grains, ServiceCatalog catalog, RoutingTable routes) => SetCircuitAsync(service, isolate: true, grains, catalog, routes))
            .Produces<ServiceResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Hold the circuit open until closed by hand");
        admin.MapPost("/services/{service}/circuit/close", (string service, IGrainFactory grains, ServiceCatalog catalog, RoutingTable routes) => SetCircuitAsync(service, isolate: false, grains, catalog, routes))
            .Produces<ServiceResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Close the circuit by hand");
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IGrainFactory grains, RoutingTable routes)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateServiceRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var definition = body!.ToDefinition();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Validate(definition, errors);
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var service = grains.GetGrain<IServiceGrain>(definition.Id);
        if (!await service.CreateAsync(definition))
        {
            return Problem.For(GatewayError.AlreadyExists, $"Service '{definition.Id}' already exists with another definition.");
        }

        routes.Invalidate(definition.Id);
        return TypedResults.Json(ServiceResponse.From((await service.GetAsync())!), GatewayJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation($"/admin/services/{definition.Id}");
    }

    /// <summary>Checks a service definition, its id included (not one of the gateway's own paths).</summary>
    internal static void Validate(ServiceDefinition definition, IDictionary<string, string> errors)
    {
        ServiceValidation.Validate(definition, errors);
        if (ReservedPaths.IsReserved(definition.Id))
        {
            errors["id"] = $"'{definition.Id}' is reserved by the gateway ({string.Join(", ", ReservedPaths.All)}).";
        }
    }

    /// <summary>Whether <paramref name="service"/> names a registered service, found without activating its grain.</summary>
    private static async ValueTask<bool> IsRegisteredAsync(string service, ServiceCatalog catalog) =>
        ServiceValidation.IsServiceId(service) && await catalog.IsRegisteredAsync(service);

    private static async Task<IResult> GetAsync(string service, IGrainFactory grains, ServiceCatalog catalog)
    {
        var info = await IsRegisteredAsync(service, catalog) ? await grains.GetGrain<IServiceGrain>(service).GetAsync() : null;
        return info is null
            ? Problem.For(GatewayError.UnknownService)
            : TypedResults.Json(ServiceResponse.From(info), GatewayJson.Options);
    }

    private static async Task<IResult> SetEndpointsAsync(string service, HttpRequest request, IGrainFactory grains, ServiceCatalog catalog, RoutingTable routes)
    {
        var (body, error) = await JsonBody.ReadAsync<List<EndpointDefinition>>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        ServiceValidation.ValidateEndpointList(body, errors);
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var grain = grains.GetGrain<IServiceGrain>(service);
        if (!await IsRegisteredAsync(service, catalog) || !await grain.SetEndpointsAsync(body!))
        {
            return Problem.For(GatewayError.UnknownService);
        }

        routes.Invalidate(service);
        return TypedResults.Json(ServiceResponse.From((await grain.GetAsync())!), GatewayJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string service, IGrainFactory grains, ServiceCatalog catalog, RoutingTable routes, ILoggerFactory loggers)
    {
        if (!await IsRegisteredAsync(service, catalog))
        {
            return Problem.For(GatewayError.UnknownService);
        }

        await Deletion.DeleteServiceAsync(grains, routes, loggers.CreateLogger("Silo.Api.Audit"), service);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> PurgeCacheAsync(
        string service, string? prefix, IGrainFactory grains, ServiceCatalog catalog, ResponseCache cache, TrafficReader frontEnds)
    {
        if (prefix is not null && (prefix.Length == 0 || prefix[0] != '/'))
        {
            return Problem.Validation(new Dictionary<string, string>(StringComparer.Ordinal) { ["prefix"] = "Must be a path starting with '/' (the part after the service's id)." });
        }

        if (!await IsRegisteredAsync(service, catalog))
        {
            return Problem.For(GatewayError.UnknownService);
        }

        var removed = cache.Purge(service, prefix);
        var (answers, asked) = await frontEnds.AskOthersAsync(other => other.PurgeCacheAsync(service, prefix));
        var shared = await cache.PurgeSharedAsync(service, prefix);
        return TypedResults.Json(new CachePurgeResponse(service, prefix, removed + answers.Sum(), asked + 1, answers.Count + 1, shared), GatewayJson.Options);
    }

    private static async Task<IResult> SetCircuitAsync(string service, bool isolate, IGrainFactory grains, ServiceCatalog catalog, RoutingTable routes)
    {
        var grain = grains.GetGrain<IServiceGrain>(service);
        if (!await IsRegisteredAsync(service, catalog) || !await grain.SetCircuitAsync(isolate))
        {
            return Problem.For(GatewayError.UnknownService);
        }

        routes.Invalidate(service);
        return TypedResults.Json(ServiceResponse.From((await grain.GetAsync())!), GatewayJson.Options);
    }
}
