using Microsoft.Extensions.Primitives;

namespace Silo.Api.Forwarding;

/// <summary>
/// The header names a <c>Connection</c> header lists besides its own options (RFC 9110 §7.6.1): those headers
/// describe one connection and are removed before forwarding, in either direction.
/// </summary>
internal static class ConnectionTokens
{
    public static IEnumerable<string> Named(StringValues connection) => Named((IEnumerable<string?>)connection);

    public static IEnumerable<string> Named(System.Net.Http.Headers.HttpHeaderValueCollection<string> connection) => Named((IEnumerable<string?>)connection);

    private static IEnumerable<string> Named(IEnumerable<string?> connection)
    {
        foreach (var value in connection)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!IsOption(token))
                {
                    yield return token;
                }
            }
        }
    }

    private static bool IsOption(string token) =>
        token.Equals("close", StringComparison.OrdinalIgnoreCase) ||
        token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) ||
        token.Equals("upgrade", StringComparison.OrdinalIgnoreCase);
}
