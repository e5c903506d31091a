using System.Security.Cryptography;

namespace Silo.Signing;

/// <summary>The <c>Content-Digest</c> field (RFC 9530) with its <c>sha-256</c> member.</summary>
public static class ContentDigest
{
    /// <summary>The field value for a body whose SHA-256 is <paramref name="sha256"/>: <c>sha-256=:base64:</c>.</summary>
    public static string Format(ReadOnlySpan<byte> sha256) => "sha-256=:" + Convert.ToBase64String(sha256) + ":";

    /// <summary>The field value for <paramref name="body"/>.</summary>
    public static string Of(ReadOnlySpan<byte> body) => Format(SHA256.HashData(body));

    /// <summary>Reads <paramref name="body"/> to its end and answers its SHA-256.</summary>
    public static async Task<byte[]> HashAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await SHA256.HashDataAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="field"/> holds a <c>sha-256</c> member equal to <paramref name="sha256"/> (other
    /// algorithms in the field are ignored; without a <c>sha-256</c> member it does not match).
    /// </summary>
    public static bool Matches(string? field, ReadOnlySpan<byte> sha256)
    {
        if (field is null || !StructuredFields.TryParseDictionary(field, out var members) ||
            !members.TryGetValue("sha-256", out var member) || member.Value is not byte[] claimed)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(claimed, sha256);
    }
}
