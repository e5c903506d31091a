using Silo.Runtime.Hosting;

namespace Silo.Api.Endpoints;

/// <summary>Liveness (the process answers) and readiness (the silo has started and takes calls).</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Json(new { status = "live" }));
        app.MapGet("/health/ready", (ISiloStatus silo) => silo.IsReady
            ? Results.Json(new { status = "ready" })
            : Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable));
    }
}
