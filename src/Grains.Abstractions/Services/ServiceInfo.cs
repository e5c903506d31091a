namespace Silo.Grains.Services;

/// <summary>
/// A service as the admin API shows it: definition, live endpoint status and breaker, and how many rounds of
/// active health checks this activation has applied (0 without health checks).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.ServiceInfo")]
public sealed record ServiceInfo(
    ServiceDefinition Definition,
    long Version,
    DateTimeOffset CreatedAt,
    IReadOnlyList<EndpointStatus> EndpointStatus,
    CircuitStatus Circuit,
    long HealthCheckRounds);
