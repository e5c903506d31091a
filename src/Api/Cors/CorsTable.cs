using System.Collections.Frozen;
using Silo.Api.Cors;
using Silo.Grains.Cors;
using Silo.Api.Directories;

namespace Silo.Api.Cors;

/// <summary>
/// The front end's copy of the origin directory (<see cref="DirectoryCopy{T}"/>). Read on every request that
/// carries an Origin header; refreshed by version at most once per second.
/// </summary>
public sealed class CorsTable
{
    private readonly DirectoryCopy<Lookup> _copy;

    public CorsTable(IGrainFactory grains, TimeProvider time)
    {
        // The grain reference is made per fetch: an Orleans client cannot resolve one before it has connected.
        _copy = new DirectoryCopy<Lookup>(
            Lookup.Empty,
            lookup => lookup.Version,
            async known => await grains.GetGrain<ICorsDirectoryGrain>(ICorsDirectoryGrain.Key).GetIfNewerAsync(known).ConfigureAwait(false) is { } snapshot
                ? Lookup.From(snapshot)
                : null,
            time);
    }

    /// <summary>Whether any tenant allows <paramref name="origin"/> (normalized): enough to answer a preflight.</summary>
    public async ValueTask<bool> AnyTenantAllowsAsync(string origin) =>
        (await _copy.CurrentAsync().ConfigureAwait(false)).AnyAllows(origin);

    /// <summary>Whether <paramref name="tenant"/> allows <paramref name="origin"/> (normalized).</summary>
    public async ValueTask<bool> TenantAllowsAsync(string tenant, string origin) =>
        (await _copy.CurrentAsync().ConfigureAwait(false)).Allows(tenant, origin);

    private sealed class Lookup(long version, FrozenDictionary<string, FrozenSet<string>> tenantsByOrigin, FrozenSet<string> anyOrigin)
    {
        public static readonly Lookup Empty = new(0, FrozenDictionary<string, FrozenSet<string>>.Empty, FrozenSet<string>.Empty);

        public long Version { get; } = version;

        public bool AnyAllows(string origin) => anyOrigin.Count > 0 || tenantsByOrigin.ContainsKey(origin);

        public bool Allows(string tenant, string origin) =>
            anyOrigin.Contains(tenant) || (tenantsByOrigin.TryGetValue(origin, out var tenants) && tenants.Contains(tenant));

        public static Lookup From(CorsSnapshot snapshot)
        {
            var byOrigin = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var any = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (tenant, origins) in snapshot.OriginsByTenant)
            {
                foreach (var origin in origins)
                {
                    if (origin == CorsOrigins.Any)
                    {
                        any.Add(tenant);
                    }
                    else if (byOrigin.TryGetValue(origin, out var set))
                    {
                        set.Add(tenant);
                    }
                    else
                    {
                        byOrigin[origin] = new HashSet<string>(StringComparer.Ordinal) { tenant };
                    }
                }
            }

            return new Lookup(
                snapshot.Version,
                byOrigin.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal),
                any.ToFrozenSet(StringComparer.Ordinal));
        }
    }
}
