using System.Security.Cryptography;
using System.Text;

namespace Silo.Api.Auth;

/// <summary>
/// API keys look like <c>sk_</c> + a 12-character public key id + <c>_</c> + a 24-character secret + a
/// 6-character checksum, all base62: <c>sk_4fJq9ZkT2mBx_Vb0...</c> (46 characters).
/// </summary>
/// <remarks>
/// The secret has 24 × log2(62) ≈ 143 random bits. The checksum (CRC-32 of everything before it) lets the
/// front end reject typos and random strings without a grain call; it is not a secret and proves nothing
/// about authenticity. Only the SHA-256 of the secret is stored.
/// </remarks>
public static class ApiKeyFormat
{
    public const string Prefix = "sk_";
    public const int KeyIdLength = 12;
    public const int SecretLength = 24;
    public const int ChecksumLength = 6;
    public const int Length = 3 + KeyIdLength + 1 + SecretLength + ChecksumLength;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int SeparatorIndex = 3 + KeyIdLength;
    private const int SecretIndex = SeparatorIndex + 1;
    private const int ChecksumIndex = SecretIndex + SecretLength;

    /// <summary>
    /// A new key id and key. Uses the OS cryptographic generator on purpose: a seeded <see cref="Random"/>
    /// would make secrets predictable, so this is the one place randomness is not injected.
    /// </summary>
    public static (string KeyId, string Key, string Secret) Generate()
    {
        var keyId = RandomNumberGenerator.GetString(Alphabet, KeyIdLength);
        var secret = RandomNumberGenerator.GetString(Alphabet, SecretLength);
        return (keyId, Compose(keyId, secret), secret);
    }

    /// <summary>A new secret for an existing key id (rotation keeps the id, so budgets stay with the key).</summary>
    public static (string Key, string Secret) GenerateForKeyId(string keyId)
    {
        var secret = RandomNumberGenerator.GetString(Alphabet, SecretLength);
        return (Compose(keyId, secret), secret);
    }

    /// <summary>Builds the key string for a key id and secret, appending the checksum.</summary>
    public static string Compose(string keyId, string secret)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(secret);
        var body = Prefix + keyId + "_" + secret;
        return body + EncodeChecksum(Checksum(body));
    }

    /// <summary>CRC-32 (IEEE 802.3) of the key's characters, all ASCII once the shape was checked.</summary>
    private static uint Checksum(ReadOnlySpan<char> ascii)
    {
        Span<byte> bytes = stackalloc byte[ascii.Length];
        for (var i = 0; i < ascii.Length; i++)
        {
            bytes[i] = (byte)ascii[i];
        }

        return System.IO.Hashing.Crc32.HashToUInt32(bytes);
    }

    /// <summary>True when <paramref name="candidate"/> is shaped like a key and its checksum matches.</summary>
    public static bool TryParse(ReadOnlySpan<char> candidate, out string keyId, out string secret)
    {
        keyId = string.Empty;
        secret = string.Empty;
        if (candidate.Length != Length || !candidate.StartsWith(Prefix, StringComparison.Ordinal) || candidate[SeparatorIndex] != '_')
        {
            return false;
        }

        for (var i = Prefix.Length; i < Length; i++)
        {
            if (i != SeparatorIndex && !char.IsAsciiLetterOrDigit(candidate[i]))
            {
                return false;
            }
        }

        Span<char> expected = stackalloc char[ChecksumLength];
        WriteChecksum(Checksum(candidate[..ChecksumIndex]), expected);
        if (!candidate[ChecksumIndex..].SequenceEqual(expected))
        {
            return false;
        }

        keyId = candidate.Slice(Prefix.Length, KeyIdLength).ToString();
        secret = candidate.Slice(SecretIndex, SecretLength).ToString();
        return true;
    }

    /// <summary>True when <paramref name="keyId"/> is shaped like a key id (for admin routes).</summary>
    public static bool IsKeyId(ReadOnlySpan<char> keyId)
    {
        if (keyId.Length != KeyIdLength)
        {
            return false;
        }

        foreach (var c in keyId)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The SHA-256 of a secret: the only form in which secrets are stored or sent to a grain.</summary>
    public static byte[] HashSecret(ReadOnlySpan<char> secret)
    {
        // Runs once per authenticated request. Secrets are short base62 strings: encode on the stack, and
        // reuse one hash object per thread (a one-shot hash creates and frees a native context every time).
        Span<byte> ascii = secret.Length <= 256 ? stackalloc byte[secret.Length] : new byte[secret.Length];
        var written = Encoding.ASCII.GetBytes(secret, ascii);
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(ascii[..written]);
        return sha.GetHashAndReset();
    }

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private static string EncodeChecksum(uint crc)
    {
        Span<char> chars = stackalloc char[ChecksumLength];
        WriteChecksum(crc, chars);
        return chars.ToString();
    }

    private static void WriteChecksum(uint crc, Span<char> destination)
    {
        ulong value = crc;
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }
}
