namespace Silo.Grains.Services;

/// <summary>
/// A service's response cache (RFC 9111, the gateway as a shared cache): which responses to GET and HEAD are
/// kept on each front end and for how long. The downstream's <c>Cache-Control</c>, <c>Expires</c>, <c>Age</c> and
/// <c>Vary</c> decide, within these bounds; what they forbid is never stored.
/// </summary>
/// <param name="Enabled">Whether the service's responses are cached at all.</param>
/// <param name="DefaultTtlSeconds">
/// How long a response is fresh when the downstream says nothing (no <c>max-age</c>, <c>s-maxage</c> or
/// <c>Expires</c>); 0 stores only responses that say how long they are fresh.
/// </param>
/// <param name="MaxTtlSeconds">The longest any response is kept fresh, whatever the downstream says.</param>
/// <param name="MaxEntryBytes">The largest body stored; a larger response is passed on and not stored.</param>
/// <param name="VaryBy">Request headers whose values are always part of the cache key (besides the response's own <c>Vary</c>).</param>
/// <param name="Scope">Whose requests share entries.</param>
/// <param name="CacheAuthorized">
/// Whether responses to requests that send an <c>Authorization</c> header on to the downstream may be stored (the
/// gateway's own credential is never sent on, so it does not count).
/// </param>
/// <param name="FreeHits">
/// Whether a request answered from the cache spends nothing of its key's and tenant's limits (it is still
/// authenticated); a miss spends its unit as any request. Off: a hit costs what a miss costs.
/// </param>
[GenerateSerializer, Immutable, Alias("silo.CachePolicy")]
public sealed record CachePolicy(
    bool Enabled = true,
    int DefaultTtlSeconds = 0,
    int MaxTtlSeconds = 300,
    int MaxEntryBytes = CachePolicy.DefaultMaxEntryBytes,
    IReadOnlyList<string>? VaryBy = null,
    CacheScope Scope = CacheScope.Tenant,
    bool CacheAuthorized = false,
    bool FreeHits = false)
{
    public const int DefaultMaxEntryBytes = 1024 * 1024;
}
