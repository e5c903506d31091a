using System.Security.Cryptography;
using System.Text;

namespace Silo.Grains.Idempotency;

/// <summary>The shape of an Idempotency-Key and how it becomes a grain key.</summary>
public static class IdempotencyKeys
{
    /// <summary>The longest key accepted (Stripe's limit).</summary>
    public const int MaxLength = 255;

    /// <summary>How long a finished request's record is kept (from the first request). The value is 24 hours.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>1-255 visible ASCII characters (0x21-0x7E): no spaces, controls or non-ASCII.</summary>
    public static bool IsValid(string? key)
    {
        if (key is null || key.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>{scope}:{sha-256 hex of the key}</c>. Hashing keeps client-chosen bytes out of grain ids (and logs),
    /// and gives every key the same length.
    /// </summary>
    public static string GrainKey(string scope, string key)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(key);
        return scope + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(key)));
    }
}
