using Microsoft.Extensions.Diagnostics.HealthChecks;
using Silo.ServiceDefaults;

namespace Silo.Api.Hosting;

/// <summary>Ready when this front end can reach grains (its silo is active, or a gateway is connected); lists the active silos it sees.</summary>
internal sealed class ClusterReadinessCheck(IClusterReadiness cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!cluster.IsReady)
        {
            return HealthCheckResult.Unhealthy("No silo can be reached yet.");
        }

        // This front end's view of the cluster, which operators compare across processes.
        return HealthCheckResult.Healthy(data: new Dictionary<string, object>(StringComparer.Ordinal) { ["activeSilos"] = await cluster.ActiveSilosAsync() });
    }

    public static void Register(IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<ClusterReadinessCheck>("cluster", tags: [HealthEndpoints.ReadyTag]);
}
