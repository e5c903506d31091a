using System.Security.Cryptography;
using System.Text;

namespace Silo.Grains.Tests.Infrastructure;

/// <summary>
/// Key ids and secret hashes for grain tests. Grains see only a key id (their grain key) and the SHA-256 of the
/// secret; the key format itself is the front end's business and is tested there.
/// </summary>
internal static class TestKeys
{
    /// <summary>A fresh key id and secret, as the front end would create them.</summary>
    public static (string KeyId, string Secret) Generate() =>
        (RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 12), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
