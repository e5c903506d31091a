using Silo.Grains.Admission;
using Silo.Grains.Keys;

namespace Silo.Grains.Tenants;

/// <summary>One tenant (keyed by tenant id): its limits, status and the keys it owns.</summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant; false when it already exists.</summary>
    Task<bool> CreateAsync(TenantDefinition definition);

    /// <summary>The tenant; null when it does not exist.</summary>
    Task<TenantInfo?> GetAsync();

    /// <summary>Creates a key of this tenant under <paramref name="keyId"/> with the given secret hash.</summary>
    Task<CreateKeyStatus> CreateKeyAsync(string keyId, ApiKeyDefinition definition, byte[] secretHash);

    /// <summary>Takes <paramref name="cost"/> from the tenant's limits (called by its keys' grains).</summary>
    Task<AdmissionResult> AcquireAsync(long cost);
}
