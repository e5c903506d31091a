using System.Text.Json;
using System.Text.Json.Schema;
using Silo.Api.Config;
using Silo.Api.Errors;
using Silo.Api.Json;

namespace Silo.Api.Endpoints;

/// <summary>
/// <c>/admin/config</c>: the gateway's tenants, keys and services as one document (YAML or JSON) — export it,
/// see what a document would change, apply it.
/// </summary>
internal static class ConfigEndpoints
{
    /// <summary>Where the document's JSON Schema is served, beside the OpenAPI document.</summary>
    public const string SchemaPath = "/openapi/gateway-config.schema.json";

    private static readonly Lazy<string> Schema = new(() =>
        JsonSchemaExporter.GetJsonSchemaAsNode(GatewayJson.Options, typeof(GatewayConfig)).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static void MapConfigEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/config", ExportAsync)
            .Produces<GatewayConfig>(StatusCodes.Status200OK, "application/json", "application/yaml")
            .WithSummary("The tenants (with their active keys, never a secret) and services as one document; YAML with ?format=yaml or Accept: application/yaml");
        admin.MapPost("/config/diff", DiffAsync)
            .Produces<ConfigPlan>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("A document (application/yaml or application/json body): what applying the document would create or update, field by field (with ?prune=true also what it would revoke and delete); changes nothing");
        admin.MapPost("/config/apply", ApplyAsync)
            .Produces<ConfigPlan>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("A document (application/yaml or application/json body): create and update what the document says (nothing when any object is invalid); with ?prune=true also delete the tenants and services it lacks and revoke its tenants' keys it lacks; keys created show their secret in this answer only");
    }

    // No Accepts metadata: routing would send a body of another type past these routes to the proxy's catch-all
    // (404); the handler answers it 415 instead.

    /// <summary>The JSON Schema of the document, for editors; public like the OpenAPI document.</summary>
    public static void MapConfigSchema(this IEndpointRouteBuilder app) =>
        app.MapGet(SchemaPath, () => Results.Text(Schema.Value, "application/schema+json"))
            .ExcludeFromDescription();

    private static async Task<IResult> ExportAsync(HttpRequest request, ConfigPlanner planner)
    {
        var config = await planner.ExportAsync();
        return ConfigDocument.WantsYaml(request)
            ? Results.Text(ConfigDocument.ToYaml(config), "application/yaml")
            : TypedResults.Json(config, ConfigDocument.WriteOptions);
    }

    private static async Task<IResult> DiffAsync(HttpRequest request, ConfigPlanner planner)
    {
        var (plan, error) = await PlanAsync(request, planner);
        return error ?? TypedResults.Json(plan!.Summary, ConfigDocument.WriteOptions);
    }

    private static async Task<IResult> ApplyAsync(HttpRequest request, ConfigPlanner planner)
    {
        var (plan, error) = await PlanAsync(request, planner);
        if (error is not null)
        {
            return error;
        }

        try
        {
            return TypedResults.Json(await planner.ApplyAsync(plan!), ConfigDocument.WriteOptions);
        }
        catch (ConfigApplyException ex)
        {
            return Problem.For(
                GatewayError.GatewayUnavailable,
                "The configuration was applied only in part; applying the same document again finishes it. Keys created so far are in createdKeys, with their secrets: shown here only.",
                new Dictionary<string, object?>(StringComparer.Ordinal) { ["applied"] = ex.Applied, ["createdKeys"] = ex.CreatedKeys },
                retryAfterSeconds: 1);
        }
    }

    private static async Task<(ConfigPlanner.Plan? Plan, IResult? Error)> PlanAsync(HttpRequest request, ConfigPlanner planner)
    {
        var prune = false;
        if (request.Query["prune"] is { Count: > 0 } given && !bool.TryParse(given.ToString(), out prune))
        {
            return (null, Problem.Validation(new Dictionary<string, string>(StringComparer.Ordinal) { ["prune"] = "Must be true or false." }));
        }

        var (config, error) = await ConfigDocument.ReadAsync(request);
        if (error is not null)
        {
            return (null, error);
        }

        var (plan, errors) = await planner.PlanAsync(config!, prune);
        return plan is null ? (null, Problem.Validation(errors)) : (plan, null);
    }
}
