using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Silo.Api.Auth;
using Silo.Grains.Idempotency;
using Silo.Grains.Services;

namespace Silo.Api.Caching;

/// <summary>
/// RFC 9111 as the gateway applies it, a shared cache: whether a request may be answered from the cache and its
/// response stored, and for how long a response is fresh. Header values are parsed by ASP.NET Core's
/// <see cref="CacheControlHeaderValue"/>.
/// </summary>
internal static class CacheRules
{
    // Statuses a cache may store (RFC 9110 §15.1: heuristically cacheable), the others never.
    private static readonly HashSet<int> Storable = [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501];

    /// <summary>What the cache may do for a request: look up and store, or why not (an RFC 9211 <c>fwd</c> reason).</summary>
    public static (bool Lookup, bool Store, string? Bypass) ForRequest(HttpRequest request, CachePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);
        var get = HttpMethods.IsGet(request.Method);
        if (!get && !HttpMethods.IsHead(request.Method))
        {
            return (false, false, "method");
        }

        // A ranged request is a partial one: passed on, never stored or answered from a whole entry.
        if (request.Headers.ContainsKey(HeaderNames.Range))
        {
            return (false, false, "bypass; detail=range");
        }

        // The gateway's own credential never reaches the downstream; any other Authorization does, and its answer
        // may be the caller's alone (RFC 9111 §3.5).
        if (!policy.CacheAuthorized && request.Headers.ContainsKey(HeaderNames.Authorization) && !ApiKeyCredentials.UsesAuthorizationHeader(request))
        {
            return (false, false, "bypass; detail=authorization");
        }

        var directives = Parse(request.Headers.CacheControl);
        if (directives?.NoStore == true)
        {
            return (false, false, "request; detail=no-store");
        }

        // no-cache, max-age=0 or Pragma: no-cache: the client wants the downstream's answer; it may be stored.
        var wantsFresh = directives is { NoCache: true } || directives?.MaxAge == TimeSpan.Zero ||
            (directives is null && request.Headers.Pragma.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase));
        return wantsFresh ? (false, get, "request") : (true, get, null);
    }

    /// <summary>
    /// How long a response stays fresh from now (its <c>Age</c> already taken off), or null with the reason it is
    /// not stored.
    /// </summary>
    /// <param name="adapted">The lifetime to use instead of the policy's default when the response gives none (<see cref="AdaptiveTtl"/>).</param>
    public static TimeSpan? Freshness(
        int status, IReadOnlyList<RecordedHeader> headers, CachePolicy policy, DateTimeOffset now, out string? notStored, TimeSpan? adapted = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(policy);
        notStored = Refusal(status, headers, out var directives);
        if (notStored is not null)
        {
            return null;
        }

        var lifetime = directives?.SharedMaxAge ?? directives?.MaxAge ?? FromExpires(headers, now) ??
            (policy.DefaultTtlSeconds > 0 ? adapted ?? TimeSpan.FromSeconds(policy.DefaultTtlSeconds) : null);
        if (lifetime is not { } given)
        {
            notStored = "no-freshness";
            return null;
        }

        var fresh = TimeSpan.FromSeconds(Math.Min(given.TotalSeconds, policy.MaxTtlSeconds)) - Age(headers);
        if (fresh <= TimeSpan.Zero)
        {
            notStored = "stale";
            return null;
        }

        return fresh;
    }

    /// <summary>Whether the response says how long it is fresh (<c>s-maxage</c>, <c>max-age</c> or <c>Expires</c>).</summary>
    public static bool SaysHowLong(IReadOnlyList<RecordedHeader> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var directives = Parse(new StringValues([.. Values(headers, HeaderNames.CacheControl)]));
        return directives?.SharedMaxAge is not null || directives?.MaxAge is not null || Values(headers, HeaderNames.Expires).Any();
    }

    /// <summary>The request headers the response varies on (its <c>Vary</c>, names lowered), or null for <c>Vary: *</c>.</summary>
    public static string[]? VaryNames(IReadOnlyList<RecordedHeader> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var value in Values(headers, HeaderNames.Vary))
        {
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (part == "*")
                {
                    return null;
                }

                names.Add(part.ToLowerInvariant());
            }
        }

        return [.. names];
    }

    private static string? Refusal(int status, IReadOnlyList<RecordedHeader> headers, out CacheControlHeaderValue? directives)
    {
        directives = Parse(new StringValues([.. Values(headers, HeaderNames.CacheControl)]));
        if (!Storable.Contains(status))
        {
            return "status";
        }

        if (directives is { NoStore: true })
        {
            return "no-store";
        }

        if (directives is { Private: true })
        {
            return "private";
        }

        // Every use would have to be revalidated with the downstream first: passed on instead.
        if (directives is { NoCache: true })
        {
            return "no-cache";
        }

        if (Values(headers, HeaderNames.SetCookie).Any())
        {
            return "set-cookie";
        }

        return VaryNames(headers) is null ? "vary-star" : null;
    }

    private static TimeSpan? FromExpires(IReadOnlyList<RecordedHeader> headers, DateTimeOffset now)
    {
        if (Values(headers, HeaderNames.Expires).FirstOrDefault() is not { } expires)
        {
            return null;
        }

        // An Expires that does not parse means already expired (RFC 9111 §5.3).
        if (!HeaderUtilities.TryParseDate(expires, out var at))
        {
            return TimeSpan.Zero;
        }

        var date = Values(headers, HeaderNames.Date).FirstOrDefault() is { } d && HeaderUtilities.TryParseDate(d, out var sent) ? sent : now;
        return at - date;
    }

    /// <summary>The downstream's <c>Age</c> of the response (zero when absent or malformed).</summary>
    public static TimeSpan Age(IReadOnlyList<RecordedHeader> headers) =>
        Values(headers, HeaderNames.Age).FirstOrDefault() is { } age && long.TryParse(age, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue))
            : TimeSpan.Zero;

    private static CacheControlHeaderValue? Parse(StringValues values) =>
        values.Count > 0 && CacheControlHeaderValue.TryParse(values.ToString(), out var parsed) ? parsed : null;

    private static IEnumerable<string> Values(IReadOnlyList<RecordedHeader> headers, string name) =>
        headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Values);
}
