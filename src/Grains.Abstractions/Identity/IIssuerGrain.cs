namespace Silo.Grains.Identity;

/// <summary>
/// One token issuer (keyed by its <c>iss</c>): the tenant that registered it and, shared by every front end,
/// its signing keys. The grain fetches them from the issuer, on a schedule and when a front end meets a key
/// it does not know, at most once per <c>Identity:MinRefreshSeconds</c> however many front ends ask, so N
/// front ends cause one fetch, not N.
/// </summary>
[Alias("silo.IIssuerGrain")]
public interface IIssuerGrain : IGrainWithStringKey
{
    /// <summary>Registers the issuer for <paramref name="tenantId"/>; false when another tenant has it.</summary>
    [Alias("Claim")]
    Task<bool> ClaimAsync(string tenantId, IssuerDefinition definition);

    /// <summary>Gives the issuer up, when <paramref name="tenantId"/> holds it.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string tenantId);

    /// <summary>The tenant and settings; null when no tenant has the issuer.</summary>
    [Alias("Get")]
    Task<IssuerClaim?> GetAsync();

    /// <summary>
    /// The signing keys; fetched first when none are held, or when <paramref name="refresh"/> and the last fetch
    /// is older than the minimum refresh interval.
    /// </summary>
    [Alias("GetKeys")]
    Task<IssuerKeys> GetKeysAsync(bool refresh);
}
