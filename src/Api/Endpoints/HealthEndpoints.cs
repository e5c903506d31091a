using Silo.Runtime.Cluster;
using Silo.Runtime.Hosting;

namespace Silo.Api.Endpoints;

/// <summary>Liveness (the process answers) and readiness (the silo has started and takes calls).</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Json(new { status = "live" }));
        app.MapGet("/health/ready", (ISiloStatus silo, IServiceProvider services) =>
        {
            // In cluster mode, also this front end's view of the cluster (operators compare it across processes).
            var membership = services.GetService<ClusterMembershipService>();
            object body = membership is null
                ? new { status = silo.IsReady ? "ready" : "starting" }
                : new { status = silo.IsReady ? "ready" : "starting", membershipVersion = membership.Version, activeSilos = membership.Placement.Silos.Select(s => s.ToString()) };
            return Results.Json(body, statusCode: silo.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
