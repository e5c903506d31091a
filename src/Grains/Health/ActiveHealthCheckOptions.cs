namespace Silo.Grains.Health;

/// <summary>
/// Settings of the active health checks a service grain runs, once for the whole cluster, against each
/// endpoint (Envoy's <c>health_checks</c>: interval, timeout, healthy and unhealthy thresholds).
/// </summary>
public sealed class ActiveHealthCheckOptions
{
    /// <summary>The path requested on each endpoint; absolute. The default value is "/health".</summary>
    public string Path { get; init; } = "/health";

    /// <summary>Time between two checks of one endpoint; at least 1 second. The default value is 5 seconds.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a check may take before it counts as failed; more than zero and at most <see cref="Interval"/>. The default value is 2 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Passed checks in a row that make an unhealthy endpoint healthy; at least 1. The default value is 2.</summary>
    public int HealthyThreshold { get; init; } = 2;

    /// <summary>Failed checks in a row that make a healthy endpoint unhealthy; at least 1. The default value is 3.</summary>
    public int UnhealthyThreshold { get; init; } = 3;
}
