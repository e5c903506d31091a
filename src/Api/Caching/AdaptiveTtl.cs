using Silo.Grains.Services;

namespace Silo.Api.Caching;

/// <summary>
/// How long a response that says nothing of its freshness (the policy's <c>defaultTtlSeconds</c> applies) stays
/// fresh after each revalidation: unchanged (304) after it served at least one hit, twice as long as before, up
/// to <c>maxTtlSeconds</c>; unchanged without a hit, as long as before; changed (a new answer), half as long,
/// down to a quarter of <c>defaultTtlSeconds</c> (a second at least). A response with its own <c>max-age</c>,
/// <c>s-maxage</c> or <c>Expires</c> is never adapted: the downstream's word stands.
/// </summary>
internal static class AdaptiveTtl
{
    public static TimeSpan Next(TimeSpan previous, bool changed, long hits, CachePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var floor = TimeSpan.FromSeconds(Math.Max(1, policy.DefaultTtlSeconds / 4.0));
        var ceiling = TimeSpan.FromSeconds(policy.MaxTtlSeconds);
        if (changed)
        {
            return previous / 2 > floor ? previous / 2 : floor;
        }

        var next = hits > 0 ? previous * 2 : previous;
        return next < ceiling ? next : ceiling;
    }
}
