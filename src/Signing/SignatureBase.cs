using System.Security.Cryptography;
using System.Text;

namespace Silo.Signing;

/// <summary>
/// The signature base of RFC 9421 §2.5 for components without parameters: one line per covered component
/// (<c>"name": value</c>), then the <c>@signature-params</c> line, and its HMAC-SHA256.
/// Derived components: <c>@method</c>, <c>@target-uri</c>, <c>@authority</c>, <c>@scheme</c>, <c>@path</c>,
/// <c>@query</c>; any other name is a header field.
/// </summary>
internal static class SignatureBase
{
    /// <summary>The base; null when a covered component has no value in <paramref name="message"/>.</summary>
    public static string? Build(SignedMessage message, IReadOnlyList<string> components, string signatureParams)
    {
        var text = new StringBuilder();
        foreach (var name in components)
        {
            if (Value(message, name) is not { } value)
            {
                return null;
            }

            text.Append('"').Append(name).Append("\": ").Append(value).Append('\n');
        }

        return text.Append("\"@signature-params\": ").Append(signatureParams).ToString();
    }

    public static byte[] Mac(byte[] secret, string signatureBase) =>
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(signatureBase));

    private static string? Value(SignedMessage message, string name)
    {
        var uri = message.TargetUri;
        var authorityStart = uri.IndexOf("://", StringComparison.Ordinal) is var s and >= 0 ? s + 3 : 0;
        var pathStart = uri.IndexOf('/', authorityStart) is var p and >= 0 ? p : uri.Length;
        var queryStart = uri.IndexOf('?', pathStart) is var q and >= 0 ? q : uri.Length;
        return name switch
        {
            "@method" => message.Method,
            "@target-uri" => uri,
            "@scheme" => authorityStart > 0 ? uri[..(authorityStart - 3)].ToLowerInvariant() : null,
            "@authority" => uri[authorityStart..pathStart].ToLowerInvariant(),
            "@path" => pathStart < queryStart ? uri[pathStart..queryStart] : "/",
            "@query" => queryStart < uri.Length ? uri[queryStart..] : "?",
            _ when name.StartsWith('@') => null,
            _ => message.Field(name) is { } field ? field.Trim() : null,
        };
    }
}
