using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Silo.ServiceDefaults;

/// <summary>Not ready from the moment the host begins to stop, so load balancers stop sending before the process goes.</summary>
public sealed class ShutdownCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    internal const string StoppingKey = "stopping";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The process is stopping.", data: new Dictionary<string, object>(StringComparer.Ordinal) { [StoppingKey] = true })
            : HealthCheckResult.Healthy());
}
