namespace Silo.Grains.Services;

/// <summary>
/// A service as the admin API shows it: definition, live endpoint status and breaker, how many rounds of
/// active health checks this activation has applied (0 without health checks), and whether the service is in
/// panic now (fewer endpoints available than its panic threshold, so requests go to every endpoint not draining),
/// and the keys its forwarded requests are signed with (empty: not signed), without their secrets.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.ServiceInfo")]
public sealed record ServiceInfo(
    ServiceDefinition Definition,
    long Version,
    DateTimeOffset CreatedAt,
    IReadOnlyList<EndpointStatus> EndpointStatus,
    CircuitStatus Circuit,
    long HealthCheckRounds,
    bool Panic = false,
    IReadOnlyList<SigningKeyInfo>? Signing = null);
