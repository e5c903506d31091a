namespace Silo.Grains.Services;

/// <summary>The result of one active health check of one endpoint.</summary>
[GenerateSerializer, Immutable, Alias("silo.HealthCheckResult")]
public sealed record HealthCheckResult(string Url, bool Passed);
