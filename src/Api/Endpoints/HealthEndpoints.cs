using Silo.Api.Hosting;

namespace Silo.Api.Endpoints;

/// <summary>Liveness (the process answers) and readiness (grains can be reached: the silo is active, or a gateway is connected).</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Json(new { status = "live" }));
        app.MapGet("/health/ready", async (IClusterReadiness cluster) =>
        {
            if (!cluster.IsReady)
            {
                return Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            // This front end's view of the cluster, which operators compare across processes.
            return Results.Json(new { status = "ready", activeSilos = await cluster.ActiveSilosAsync() });
        });
    }
}
