namespace Silo.Grains.Services;

/// <summary>Active health check settings of a service (stored; acted on by the health-checking work).</summary>
public sealed record HealthCheckDefinition(string Path, int IntervalSeconds);
