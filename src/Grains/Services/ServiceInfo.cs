namespace Silo.Grains.Services;

/// <summary>A service as the admin API shows it: definition, live endpoint status and breaker.</summary>
public sealed record ServiceInfo(
    ServiceDefinition Definition,
    long Version,
    DateTimeOffset CreatedAt,
    IReadOnlyList<EndpointStatus> EndpointStatus,
    CircuitStatus Circuit);
