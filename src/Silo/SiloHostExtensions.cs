using Silo.Grains;
using Silo.Runtime.Hosting;

namespace Silo.Host;

/// <summary>Wiring of the silo host process.</summary>
internal static class SiloHostExtensions
{
    /// <summary>
    /// A silo process only makes sense as a member of a cluster (<c>Cluster:Redis</c>), which this version
    /// does not have yet; until then the front end (<c>src/Api</c>) hosts the one embedded silo itself.
    /// </summary>
    public static bool TryAddSiloHost(this WebApplicationBuilder builder, out string problem)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["Cluster:Redis"]))
        {
            problem = "src/Silo hosts grains for a cluster and needs Cluster:Redis. To run Silo on one machine, use the embedded default: dotnet run --project src/Api";
            return false;
        }

        problem = "Cluster mode (Cluster:Redis) is not available in this version; use the embedded default: dotnet run --project src/Api";
        builder.AddSiloRuntime(silo => silo.AddGatewayGrains().AddMemoryGrainStorage());
        return false;
    }

    public static void MapSiloHost(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/health/ready", (ISiloStatus silo) => silo.IsReady ? Results.Json(new { status = "ready" }) : Results.StatusCode(503));
    }
}
