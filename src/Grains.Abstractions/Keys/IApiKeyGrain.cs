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
    /// Replaces the secret. The old secret stays valid for <paramref name="gracePeriod"/>; both draw on this
    /// key's budgets. False when no such key exists or it is revoked.
    /// </summary>
    [Alias("Rotate")]
    Task<bool> RotateAsync(byte[] newSecretHash, TimeSpan gracePeriod);

    /// <summary>Revokes the key (and any secret in its grace period) for good. False when no such key exists.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync();

    /// <summary>Authenticates the secret hash and takes the cost from the key's and the tenant's limits.</summary>
    [Alias("Admit")]
    Task<AdmissionResult> AdmitAsync(AdmissionRequest request);
}
