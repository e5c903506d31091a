namespace Silo.Api.Caching;

/// <summary>The <c>Cache-Status</c> response header (RFC 9211), on every response of a service with a cache policy.</summary>
internal static class CacheStatus
{
    public const string HeaderName = "Cache-Status";

    /// <summary>The gateway's name in the header.</summary>
    public const string Name = "silo";

    public static string Hit(TimeSpan freshLeft, bool collapsed) =>
        $"{Name}; hit; ttl={(long)Math.Ceiling(freshLeft.TotalSeconds)}{(collapsed ? "; detail=collapsed" : string.Empty)}";

    public static string Miss(string? notStored) => notStored is null ? $"{Name}; fwd=miss; stored" : $"{Name}; fwd=miss; detail={notStored}";

    /// <summary>A stale entry revalidated: the downstream answered <paramref name="status"/> (304: still good).</summary>
    public static string Stale(int status, string? notStored) =>
        $"{Name}; fwd=stale; fwd-status={status}" + (notStored is null ? "; stored" : $"; detail={notStored}");
}
