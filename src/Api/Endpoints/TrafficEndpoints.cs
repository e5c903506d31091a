using Silo.Api.Auth;
using Silo.Api.Contracts;
using Silo.Api.Errors;
using Silo.Api.Json;
using Silo.Api.Telemetry;
using Silo.Api.Validation;
using Silo.Grains.Telemetry;

namespace Silo.Api.Endpoints;

/// <summary><c>…/traffic</c>: a tenant's, key's or service's last minutes second by second, from every front end (the console's plots).</summary>
internal static class TrafficEndpoints
{
    private const int DefaultSeconds = 300, MinSeconds = 10;

    public static void MapTrafficEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/tenants/{tenant}/traffic", (string tenant, string? seconds, TrafficReader reader) =>
                ReadAsync(TrafficKind.Tenant, tenant, Identifiers.IsSlug(tenant), GatewayError.UnknownTenant, seconds, reader))
            .Produces<TrafficResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The tenant's admitted and limited requests per second over the last ?seconds=10..300 (default 300), from every front end");
        admin.MapGet("/keys/{keyId}/traffic", (string keyId, string? seconds, TrafficReader reader) =>
                ReadAsync(TrafficKind.Key, keyId, ApiKeyFormat.IsKeyId(keyId), GatewayError.UnknownKey, seconds, reader))
            .Produces<TrafficResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The key's admitted and limited requests per second over the last ?seconds=10..300 (default 300), from every front end");
        admin.MapGet("/services/{service}/traffic", (string service, string? seconds, TrafficReader reader) =>
                ReadAsync(TrafficKind.Service, service, ServiceValidation.IsServiceId(service), GatewayError.UnknownService, seconds, reader))
            .Produces<TrafficResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The service's attempts, failures, latency p50/p99 and circuit state per second over the last ?seconds=10..300 (default 300), from every front end");
    }

    // Ids are checked for their form only: a well-formed id of nothing answers zeros, with no grain asked.
    private static async Task<IResult> ReadAsync(TrafficKind kind, string id, bool wellFormed, GatewayError unknown, string? seconds, TrafficReader reader)
    {
        if (!wellFormed)
        {
            return Problem.For(unknown);
        }

        if (QueryNumber.Read(seconds, MinSeconds, TrafficHistory.Seconds, DefaultSeconds) is not { } count)
        {
            return Problem.Validation(new Dictionary<string, string>(StringComparer.Ordinal) { ["seconds"] = QueryNumber.Expected(MinSeconds, TrafficHistory.Seconds) });
        }

        return TypedResults.Json(await reader.ReadAsync(kind, id, count), GatewayJson.Options);
    }
}
