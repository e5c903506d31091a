using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Silo.Host;

/// <summary>Ready while this silo is Active in the cluster's membership.</summary>
internal sealed class SiloActiveCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(silo.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The silo is not active.", data: new Dictionary<string, object>(StringComparer.Ordinal) { ["silo"] = silo.CurrentStatus.ToString() }));
}
