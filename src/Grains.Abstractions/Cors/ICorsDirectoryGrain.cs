namespace Silo.Grains.Cors;

/// <summary>
/// The one index of every tenant's allowed origins (key <see cref="Key"/>). Tenants write their entry on
/// change; front ends poll it by version, so a preflight (which carries no API key, hence no tenant) is
/// answered at the edge without a grain call per request.
/// </summary>
[Alias("silo.ICorsDirectoryGrain")]
public interface ICorsDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the single directory.</summary>
    public const string Key = "all";

    /// <summary>Replaces a tenant's origins (an empty list removes the tenant).</summary>
    [Alias("SetTenant")]
    Task SetTenantAsync(string tenantId, IReadOnlyList<string> origins);

    /// <summary>The directory if its version is above <paramref name="knownVersion"/>; otherwise null.</summary>
    [Alias("GetIfNewer")]
    Task<CorsSnapshot?> GetIfNewerAsync(long knownVersion);
}
