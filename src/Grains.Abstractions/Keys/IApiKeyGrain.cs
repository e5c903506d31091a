using Orleans.Concurrency;
using Silo.Grains.Admission;

namespace Silo.Grains.Keys;

/// <summary>One API key (keyed by its public key id): its hashed secret, status, scopes and own limits.</summary>
[Alias("silo.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Stores a new key; false when the key id is already taken.</summary>
    [Alias("Initialize")]
    Task<bool> InitializeAsync(string tenantId, ApiKeyDefinition definition, byte[] secretHash);

    /// <summary>The key's details and current usage; null when no such key exists.</summary>
    [Alias("Get")]
    Task<ApiKeyInfo?> GetAsync();

    /// <summary>
    /// What the Orleans Dashboard's grain-state view shows (it calls a grain's parameterless <c>GetState</c>):
    /// the same as <see cref="GetAsync"/>, never a secret.
    /// </summary>
    [Alias("GetState")]
    Task<ApiKeyInfo?> GetState();

    /// <summary>
    /// Replaces the secret. The replaced secret stays valid for <paramref name="gracePeriod"/>, and so does every
    /// secret an earlier rotation replaced until its own grace ends: every secret a rotation handed out works
    /// until it is rotated away and its grace is over. All draw on this key's budgets. At most
    /// <see cref="MaxGracedSecrets"/> replaced secrets may be inside their grace at once.
    /// </summary>
    [Alias("Rotate")]
    Task<RotationStatus> RotateAsync(byte[] newSecretHash, TimeSpan gracePeriod);

    /// <summary>How many replaced secrets may be inside their grace periods at once.</summary>
    public const int MaxGracedSecrets = 32;

    /// <summary>
    /// Replaces the key's name, limits, scopes and expiry (not its secret); every front end holding a lease of the
    /// key is told before this answers, and a durable limit keeping its name and shape keeps its count. False when no such
    /// key exists or it is revoked.
    /// </summary>
    [Alias("Update")]
    Task<bool> UpdateAsync(ApiKeyDefinition definition);

    /// <summary>Revokes the key (and any secret in its grace period) for good. False when no such key exists.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync();

    /// <summary>
    /// Starts the key's limit named <paramref name="limitName"/> afresh (all of it is available again), durable
    /// limits written through, and records it in the tenant's audit trail.
    /// </summary>
    [Alias("ResetLimit")]
    Task<LimitResetStatus> ResetLimitAsync(string limitName);

    /// <summary>Authenticates the secret hash and takes the cost from the key's and the tenant's limits.</summary>
    [Alias("Admit")]
    Task<AdmissionResult> AdmitAsync(AdmissionRequest request);

    /// <summary>
    /// Admits like <see cref="AdmitAsync"/> and reserves a slice of every limit of the key and its tenant for the
    /// holder to admit from alone (an admission lease). The holder is told when the key changes
    /// (<see cref="ILeaseHolder"/>) while its lease or cached refusal stands.
    /// </summary>
    [Alias("Lease")]
    Task<AdmissionLease> LeaseAsync(LeaseRequest request);

    /// <summary>
    /// Gives back units of an expired or dropped slice that its holder did not use. Answered, not one-way: a silo
    /// that is stopping drops a one-way message unannounced, but refuses a call, which the holder sends again.
    /// </summary>
    [Alias("ReturnLease")]
    Task ReturnLeaseAsync(LeaseReturn returned);

    /// <summary>
    /// Ends every lease and cached refusal of this key (its tenant changed or is moving): tells each holder and
    /// answers once they were told or could not be reached within the lease time, with the units the holders
    /// gave back of slices taken from the tenant (for the tenant to credit; the key credits its own). Runs
    /// between the turns of a lease request that is waiting on the tenant, so a tenant change never deadlocks with it.
    /// </summary>
    [Alias("EndLeases"), AlwaysInterleave]
    Task<IReadOnlyList<LeaseReturn>> EndLeasesAsync();
}
