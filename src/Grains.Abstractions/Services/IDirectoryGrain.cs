namespace Silo.Grains.Services;

/// <summary>
/// An index of ids: every registered service (key <see cref="Services"/>) and every tenant (key
/// <see cref="Tenants"/>). Services and tenants add themselves when created; front ends keep a copy of the
/// service index, refreshed by version, so a request naming a service that does not exist is answered without
/// activating a grain for it or keeping anything per made-up id. The admin API lists both.
/// </summary>
[Alias("silo.IServiceDirectoryGrain")]
public interface IDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the service index.</summary>
    public const string Services = "all";

    /// <summary>The key of the tenant index.</summary>
    public const string Tenants = "tenants";

    /// <summary>The key of the index of token issuers (every issuer some tenant registered at some time).</summary>
    public const string Issuers = "issuers";

    /// <summary>Adds an id (no change when it is there already).</summary>
    [Alias("Add")]
    Task AddAsync(string id);

    /// <summary>Removes an id (no change when it is not there).</summary>
    [Alias("Remove")]
    Task RemoveAsync(string id);

    /// <summary>The index if its version is above <paramref name="knownVersion"/>; otherwise null.</summary>
    [Alias("GetIfNewer")]
    Task<DirectorySnapshot?> GetIfNewerAsync(long knownVersion);
}
