using Orleans.Concurrency;
using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tenants;

/// <summary>One tenant (keyed by tenant id): its limits, status and the keys it owns.</summary>
[Alias("silo.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant; false when it already exists.</summary>
    [Alias("Create")]
    Task<bool> CreateAsync(TenantDefinition definition);

    /// <summary>The tenant; null when it does not exist.</summary>
    [Alias("Get")]
    Task<TenantInfo?> GetAsync();

    /// <summary>
    /// Deletes the tenant: its key grains' shares end, its token issuers are released, its browser origins leave the
    /// CORS directory, its counts and stored state are cleared, and the activation ends; its audit log is kept
    /// (with <c>tenant.deleted</c>). False when there is no such tenant. Its keys are revoked by the caller before
    /// (a key's revoke records itself in this grain), and the caller removes it from the tenant directory after.
    /// </summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>
    /// What the Orleans Dashboard's grain-state view shows (it calls a grain's parameterless <c>GetState</c>):
    /// the same as <see cref="GetAsync"/>, never a secret.
    /// </summary>
    [Alias("GetState")]
    Task<TenantInfo?> GetState();

    /// <summary>Creates a key of this tenant under <paramref name="keyId"/> with the given secret hash.</summary>
    [Alias("CreateKey")]
    Task<CreateKeyStatus> CreateKeyAsync(string keyId, ApiKeyDefinition definition, byte[] secretHash);

    /// <summary>Renames the tenant (audited); false when no such tenant exists.</summary>
    [Alias("SetName")]
    Task<bool> SetNameAsync(string name);

    /// <summary>Replaces the tenant's limits; they apply from the next request. False when no such tenant exists.</summary>
    [Alias("SetLimits")]
    Task<bool> SetLimitsAsync(IReadOnlyList<LimitDefinition> limits);

    /// <summary>Suspends (403 for every key) or resumes the tenant. False when no such tenant exists.</summary>
    [Alias("SetStatus")]
    Task<bool> SetStatusAsync(TenantStatus status);

    /// <summary>Sets what the tenant's cached responses may take on each front end (null: the front ends' default); false if no such tenant.</summary>
    [Alias("SetCacheBudget")]
    Task<bool> SetCacheBudgetAsync(TenantCacheBudget? budget);

    /// <summary>Replaces the browser origins allowed to call with this tenant's keys; false if no such tenant.</summary>
    [Alias("SetCorsOrigins")]
    Task<bool> SetCorsOriginsAsync(IReadOnlyList<string> origins);

    /// <summary>Appends an event to the tenant's audit trail (<see cref="IAuditLogGrain"/>); ignored when no such tenant exists.</summary>
    /// <summary>
    /// Replaces the token issuers the tenant's callers may present JWTs from. Each is registered with its issuer
    /// grain; an issuer another tenant has refuses the whole change.
    /// </summary>
    [Alias("SetIssuers")]
    Task<Identity.SetIssuersStatus> SetIssuersAsync(IReadOnlyList<Identity.IssuerDefinition> issuers);

    /// <summary>Records an event in the tenant's audit trail.</summary>
    [Alias("RecordAudit")]
    Task RecordAuditAsync(AuditEvent auditEvent);

    /// <summary>The newest <paramref name="limit"/> events of the audit trail, newest first; null when no such tenant exists.</summary>
    [Alias("GetAudit")]
    Task<IReadOnlyList<AuditEvent>?> GetAuditAsync(int limit);

    /// <summary>Takes <paramref name="cost"/> from the tenant's limits (called by its keys' grains).</summary>
    [Alias("Acquire")]
    Task<AdmissionResult> AcquireAsync(long cost);

    /// <summary>
    /// Takes <paramref name="cost"/> like <see cref="AcquireAsync"/> and reserves up to <paramref name="tokens"/>
    /// more units of every limit for the key grain <paramref name="keyId"/>, valid for at most
    /// <paramref name="duration"/>. The key is told to end its leases when the tenant is suspended or its limits change.
    /// </summary>
    [Alias("Lease")]
    Task<TenantLease> LeaseAsync(string keyId, long cost, long tokens, TimeSpan duration);

    /// <summary>Gives back units a key grain reserved and did not hand on or its holder did not use.</summary>
    [Alias("ReturnLease"), OneWay]
    Task ReturnLeaseAsync(long tokens, LeaseStamp stamp);

    /// <summary>
    /// Gives back units like <see cref="ReturnLeaseAsync"/> and answers once they are credited, so a caller that
    /// cannot send again later (a key grain being deactivated) learns whether they arrived.
    /// </summary>
    [Alias("ReturnLeaseAcknowledged")]
    Task ReturnLeaseAcknowledgedAsync(long tokens, LeaseStamp stamp);
}
