using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Silo.Api.Auth;
using Silo.Grains.Identity;

namespace Silo.Api.Identity;

/// <summary>
/// A JWT consumer's limits live in a key grain of their own, so consumers get everything keys have (limits,
/// the tenant's share, leases, RateLimit headers, metrics). Its id is derived from tenant, issuer, consumer
/// claim value and the issuer's consumer limits (changing those limits starts every consumer's counts afresh);
/// it contains a '-', so no API key can ever name it, and its secret is a fixed one that only the JWT path
/// presents. Such keys are not listed under their tenant.
/// </summary>
public static class ConsumerKeys
{
    /// <summary>The secret every consumer key is created with and presented with.</summary>
    public const string Secret = "jwt-consumer";

    private const string Prefix = "c-";

    public static string KeyId(string tenantId, IssuerDefinition issuer, string consumer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var material = string.Join('\n', tenantId, issuer.Issuer, issuer.ConsumerClaim, consumer, JsonSerializer.Serialize(issuer.ConsumerLimits));
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)).AsSpan(0, 12));
    }

    public static bool IsConsumerKeyId(string keyId) => keyId.StartsWith(Prefix, StringComparison.Ordinal) && !ApiKeyFormat.IsKeyId(keyId);
}
