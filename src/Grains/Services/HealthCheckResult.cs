namespace Silo.Grains.Services;

/// <summary>The result of one active health check of one endpoint.</summary>
public sealed record HealthCheckResult(string Url, bool Passed);
