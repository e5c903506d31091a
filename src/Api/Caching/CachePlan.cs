using Silo.Grains.Services;

namespace Silo.Api.Caching;

/// <summary>The cache's part in one request of a service with a cache policy: what it may do and what it did.</summary>
public sealed class CachePlan
{
    internal CachePlan(CachePolicy policy, string service, string scope, string? tenant, string target, (bool Lookup, bool Store, string? Bypass) rules)
    {
        Tenant = tenant;
        Owner = tenant is null ? "service:" + service : OwnerOf(tenant);
        Policy = policy;
        Service = service;
        Scope = scope;
        Target = target;
        TargetKey = new VaryKey(service, scope, target);
        Lookup = rules.Lookup;
        Store = rules.Store;
        Status = rules.Bypass is { } bypass ? $"{CacheStatus.Name}; fwd={bypass}" : null;
    }

    internal CachePolicy Policy { get; }

    internal string Service { get; }

    /// <summary>Whose entries these are: the tenant's or key's id, empty for a shared cache.</summary>
    internal string Scope { get; }

    /// <summary>Whose budget stored entries count against: the tenant's, or a shared cache's service.</summary>
    internal string Owner { get; }

    /// <summary>The tenant whose budget applies; null for a shared cache (the front end's bound only).</summary>
    internal string? Tenant { get; }

    internal static string OwnerOf(string tenant) => "tenant:" + tenant;

    /// <summary>The path and query the request goes to.</summary>
    internal string Target { get; }

    /// <summary>Where the request headers the target's responses vary on are kept.</summary>
    internal VaryKey TargetKey { get; }

    /// <summary>The key of the target's response for the request header values <paramref name="variant"/>.</summary>
    internal EntryKey KeyFor(string variant) => new(Service, Scope, Target, variant);

    /// <summary>Whether the request may be answered from the cache.</summary>
    internal bool Lookup { get; }

    /// <summary>Whether the downstream's answer may be stored.</summary>
    internal bool Store { get; }

    /// <summary>The key looked up, once it was.</summary>
    internal EntryKey? Key { get; set; }

    /// <summary>Set when this request fetches the entry other requests for the same key wait for.</summary>
    internal TaskCompletionSource<CachedResponse?>? Fill { get; set; }

    /// <summary>A stale stored response with a validator: the downstream is asked whether it still holds.</summary>
    internal CachedResponse? Stale { get; set; }

    /// <summary>Whether the forward carries the stale response's validators (the client sent no conditions of its own).</summary>
    internal bool Revalidating { get; set; }

    /// <summary>The head of the downstream's 304 to a revalidation: the stale response is answered, refreshed by it.</summary>
    internal IReadOnlyList<Silo.Grains.Idempotency.RecordedHeader>? NotModified { get; set; }

    /// <summary>The response stored again after a 304, for the requests waiting on this one.</summary>
    internal CachedResponse? Refreshed { get; set; }

    /// <summary>The Redis level did not answer the lookup: the request was served as a miss.</summary>
    internal bool SharedDown { get; set; }

    /// <summary>The <c>Cache-Status</c> answered (RFC 9211).</summary>
    public string? Status { get; internal set; }
}
