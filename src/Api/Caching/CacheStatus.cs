namespace Silo.Api.Caching;

/// <summary>The <c>Cache-Status</c> response header (RFC 9211), on every response of a service with a cache policy.</summary>
internal static class CacheStatus
{
    public const string HeaderName = "Cache-Status";

    /// <summary>The gateway's name in the header.</summary>
    public const string Name = "silo";

    /// <summary>Answered from the cache; <paramref name="detail"/>: <c>collapsed</c> (waited for another request's fetch) or <c>shared</c> (from the Redis level).</summary>
    public static string Hit(TimeSpan freshLeft, string? detail = null) =>
        $"{Name}; hit; ttl={(long)Math.Ceiling(freshLeft.TotalSeconds)}{(detail is null ? string.Empty : "; detail=" + detail)}";

    /// <summary>Forwarded; stored, or the reason not (or, stored, that the Redis level did not answer).</summary>
    public static string Miss(string? notStored, bool sharedDown = false) =>
        notStored is null ? $"{Name}; fwd=miss; stored{(sharedDown ? "; detail=redis-unavailable" : string.Empty)}" : $"{Name}; fwd=miss; detail={notStored}";

    /// <summary>A stale entry revalidated: the downstream answered <paramref name="status"/> (304: still good).</summary>
    public static string Stale(int status, string? notStored) =>
        $"{Name}; fwd=stale; fwd-status={status}" + (notStored is null ? "; stored" : $"; detail={notStored}");
}
