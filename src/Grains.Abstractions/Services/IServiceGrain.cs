namespace Silo.Grains.Services;

/// <summary>
/// One downstream service (keyed by service id): its endpoints, their health, its circuit breaker and its
/// load-balancing policy. Front ends read its routing snapshot by version and report outcomes in batches;
/// they never call it per request, except to send the one probe of a half-open circuit.
/// </summary>
[Alias("silo.IServiceGrain")]
public interface IServiceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the service; true again for a repeat of the same definition (a retry after a lost answer),
    /// false when the service exists with another.
    /// </summary>
    [Alias("Create")]
    Task<bool> CreateAsync(ServiceDefinition definition);

    /// <summary>
    /// Deletes the service: its stored definition and signing keys are cleared and the activation ends (its
    /// health checks with it). False when there is no such service. The caller then removes it from the directory
    /// (<see cref="IDirectoryGrain.RemoveAsync"/>), through which front ends stop routing to it.
    /// </summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>The service with live endpoint and breaker status; null when it does not exist.</summary>
    [Alias("Get")]
    Task<ServiceInfo?> GetAsync();

    /// <summary>
    /// What the Orleans Dashboard's grain-state view shows (it calls a grain's parameterless <c>GetState</c>):
    /// the same as <see cref="GetAsync"/>, never a secret.
    /// </summary>
    [Alias("GetState")]
    Task<ServiceInfo?> GetState();

    /// <summary>
    /// Replaces the whole definition (same id). The breaker, outlier detection and health checks start afresh
    /// only when their own settings changed; false when the service does not exist.
    /// </summary>
    [Alias("Update")]
    Task<bool> UpdateAsync(ServiceDefinition definition);

    /// <summary>Replaces the endpoints (add, remove, drain, reweigh); false when the service does not exist.</summary>
    [Alias("SetEndpoints")]
    Task<bool> SetEndpointsAsync(IReadOnlyList<EndpointDefinition> endpoints);

    /// <summary>Holds the circuit open (<paramref name="isolate"/>) or closes it by hand; false when no such service.</summary>
    [Alias("SetCircuit")]
    Task<bool> SetCircuitAsync(bool isolate);

    /// <summary>The current routing snapshot; null when the service does not exist.</summary>
    [Alias("GetSnapshot")]
    Task<RoutingSnapshot?> GetSnapshotAsync();

    /// <summary>The routing snapshot if it differs from <paramref name="known"/>; null when it does not (or no service).</summary>
    [Alias("GetSnapshotIfChanged")]
    Task<RoutingSnapshot?> GetSnapshotIfChangedAsync(SnapshotStamp known);

    /// <summary>Takes a front end's batch of outcomes; returns the stamp of the snapshot after it.</summary>
    [Alias("Report")]
    Task<SnapshotStamp> ReportAsync(OutcomeBatch batch);

    /// <summary>Asks to send the half-open circuit's one probe.</summary>
    [Alias("TryAcquireProbe")]
    Task<ProbeGrant> TryAcquireProbeAsync();

    /// <summary>Reports the outcome of a granted probe; returns the stamp of the snapshot after it.</summary>
    [Alias("ReportProbe")]
    Task<SnapshotStamp> ReportProbeAsync(long token, bool success);

    /// <summary>Gives back a granted probe that was never sent, so another front end may probe at once.</summary>
    [Alias("ReleaseProbe")]
    Task ReleaseProbeAsync(long token);

    /// <summary>
    /// Starts signing with a new key: keys signing now retire after <paramref name="overlap"/> (at once when it
    /// is zero) and sign beside it until then. Null when the service does not exist; else every key, without secrets.
    /// </summary>
    [Alias("AddSigningKey")]
    Task<IReadOnlyList<SigningKeyInfo>?> AddSigningKeyAsync(string keyId, byte[] secret, TimeSpan overlap);

    /// <summary>Stops signing (every key goes); false when the service does not exist.</summary>
    [Alias("RemoveSigningKeys")]
    Task<bool> RemoveSigningKeysAsync();

    /// <summary>Results of the grain's own active health checks (it calls itself when they complete).</summary>
    [Alias("RecordHealthChecks")]
    Task RecordHealthChecksAsync(IReadOnlyList<HealthCheckResult> results);
}
