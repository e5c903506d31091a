using Microsoft.Extensions.Primitives;
using Silo.Api.Auth;
using Silo.Grains.Keys;

namespace Silo.Api.Auth;

/// <summary>
/// Reads the API key from <c>X-Api-Key</c> or <c>Authorization: Bearer</c>. Anything ambiguous (repeated
/// headers, two different keys) or malformed (bad shape or checksum) is refused here, without a grain call.
/// </summary>
public static class ApiKeyCredentials
{
    public const string HeaderName = "X-Api-Key";
    private const string BearerPrefix = "Bearer ";

    public static bool TryRead(HttpRequest request, out string keyId, out string secret)
    {
        ArgumentNullException.ThrowIfNull(request);
        keyId = string.Empty;
        secret = string.Empty;
        var apiKey = request.Headers[HeaderName];
        var bearer = ReadBearer(request.Headers.Authorization);
        if (apiKey.Count > 1 || bearer.Count > 1)
        {
            return false;
        }

        string? candidate;
        if (apiKey.Count == 1)
        {
            candidate = apiKey[0];
            if (bearer.Count == 1 && !string.Equals(bearer[0], candidate, StringComparison.Ordinal))
            {
                return false;
            }
        }
        else
        {
            candidate = bearer.Count == 1 ? bearer[0] : null;
        }

        return candidate is not null && ApiKeyFormat.TryParse(candidate.AsSpan().Trim(), out keyId, out secret);
    }

    /// <summary>True when this request carried its key in the Authorization header (so it is not forwarded).</summary>
    public static bool UsesAuthorizationHeader(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ReadBearer(request.Headers.Authorization).Count > 0;
    }

    private static StringValues ReadBearer(StringValues authorization)
    {
        if (authorization.Count == 0)
        {
            return StringValues.Empty;
        }

        if (authorization.Count > 1)
        {
            return authorization;
        }

        // Only a bearer that looks like one of our keys is ours; any other Authorization is for the downstream.
        var value = authorization[0];
        return value is not null &&
               value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) &&
               value.AsSpan(BearerPrefix.Length).TrimStart().StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal)
            ? new StringValues(value[BearerPrefix.Length..].Trim())
            : StringValues.Empty;
    }
}
