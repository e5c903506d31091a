using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Silo.Grains.Hosting;
using Silo.ServiceDefaults;

namespace Silo.Host;

/// <summary>Wiring of the silo host process: an Orleans silo with the gateway grains, Redis membership and storage.</summary>
internal static class SiloHostExtensions
{
    /// <summary>Registers the silo; false (with the reason) when the process is not configured for a cluster.</summary>
    public static bool TryAddSiloHost(this WebApplicationBuilder builder, out string problem)
    {
        var cluster = GatewayClusterOptions.From(builder.Configuration);
        if (!cluster.IsCluster)
        {
            problem = "Cluster:Redis is required: a silo is a member of a cluster whose membership and grain state live in Redis " +
                      "(e.g. --Cluster:Redis=127.0.0.1:6379). To run Silo on one machine without Redis, use the embedded default: dotnet run --project src/Api";
            return false;
        }

        builder.UseOrleans(silo =>
        {
            silo.AddGatewaySilo(builder.Configuration);

            // The dashboard's grains and counters (Dashboard:Enabled); front ends serve its pages, and so does
            // this silo when it has an admin token (SiloDashboard).
            if (ServiceDefaultsExtensions.DashboardEnabled(builder.Configuration))
            {
                silo.AddDashboard();
            }

            if (ServiceDefaultsExtensions.Traces(builder.Configuration))
            {
                silo.AddActivityPropagation();
            }
        });
        builder.Services.AddHealthChecks().AddCheck<SiloActiveCheck>("silo", tags: [HealthEndpoints.ReadyTag]);
        return SiloDashboard.TryAdd(builder, out problem);
    }

    /// <summary>Operations endpoints: /metrics, health, the dashboard, this silo's view of the cluster, and where a grain lives.</summary>
    public static void MapSiloHost(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        SiloDashboard.Map(app);
        app.MapGet("/silo/status", async (IClusterMembershipService membership, ILocalSiloDetails self, IGrainFactory grains) =>
        {
            var snapshot = membership.CurrentSnapshot;
            var stats = await grains.GetGrain<IManagementGrain>(0).GetRuntimeStatistics([self.SiloAddress]);
            return Results.Json(new
            {
                silo = self.SiloAddress.ToParsableString(),
                gateway = self.GatewayAddress?.ToParsableString(),
                membershipVersion = snapshot.Version.Value,
                activeSilos = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
                    .Select(m => m.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal),
                activations = stats.Sum(s => s.ActivationCount),
            });
        });
        app.MapGet("/silo/owner/{type}/{key}", async (string type, string key, IGrainFactory grains) =>
        {
            // The silo that holds the grain's activation now; null when it is not active anywhere.
            var grain = grains.GetGrain(GrainId.Create(type, key));
            var owner = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
            return Results.Json(new { owner = owner?.ToParsableString() });
        });
    }
}
