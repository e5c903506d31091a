using Microsoft.AspNetCore.Http.Features;

namespace Silo.Api.Forwarding;

/// <summary>
/// The path a downstream receives: the request's path after its first <c>n</c> segments (the service's), taken
/// from the request target exactly as the client encoded it, so the gateway never decodes it (let alone twice)
/// and the downstream decodes it once, as the client meant. A path with a dot segment in any encoding
/// (<c>.</c>, <c>..</c>, <c>%2e</c>, <c>%252e%252e</c>, …) is refused rather than forwarded: it could climb
/// above an endpoint's base path at a downstream that decodes or normalizes again.
/// </summary>
public static class ForwardPath
{
    /// <summary>
    /// The raw path after the first <paramref name="skipSegments"/> segments, with the raw query; false when the
    /// path has a dot segment.
    /// </summary>
    public static bool TryGetRemainder(HttpContext context, int skipSegments, out string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = RawPath(context);
        pathAndQuery = string.Empty;
        var start = 0;
        for (var i = 0; i < skipSegments && start < raw.Length; i++)
        {
            var next = raw.IndexOf('/', start + 1);
            start = next < 0 ? raw.Length : next;
        }

        var remainder = raw[start..];
        if (HasDotSegment(remainder))
        {
            return false;
        }

        pathAndQuery = string.Concat(remainder, context.Request.QueryString.ToUriComponent());
        return true;
    }

    /// <summary>The endpoint's base URL (its path kept, a trailing slash dropped) followed by <paramref name="pathAndQuery"/>.</summary>
    public static Uri Target(string endpointUrl, string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(endpointUrl);
        var target = string.Concat(endpointUrl.AsSpan().TrimEnd('/'), pathAndQuery.Length == 0 || pathAndQuery[0] is '/' or '?' ? pathAndQuery : "/" + pathAndQuery);

        // As built: System.Uri would otherwise unescape %2E and remove dot segments, the double decoding avoided above.
        return new Uri(target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }

    /// <summary>Whether a segment is <c>.</c> or <c>..</c> once percent-decoded as often as it decodes.</summary>
    internal static bool HasDotSegment(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.IsEmpty || (segment.IndexOf('.') < 0 && segment.IndexOf('%') < 0))
            {
                continue;
            }

            var decoded = segment.ToString();
            for (var i = 0; i < 8 && decoded.Contains('%', StringComparison.Ordinal); i++)
            {
                var again = Uri.UnescapeDataString(decoded);
                if (string.Equals(again, decoded, StringComparison.Ordinal))
                {
                    break;
                }

                decoded = again;
            }

            if (decoded is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The path part of the request target as sent (origin form), or the server's path re-encoded.</summary>
    private static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is { Length: > 0 } && target[0] == '/')
        {
            var query = target.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? target : target[..query];
        }

        // Absolute form (a proxy-style request line) or no raw target: the decoded path, encoded once.
        return context.Request.Path.ToUriComponent();
    }
}
