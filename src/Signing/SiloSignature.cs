namespace Silo.Signing;

/// <summary>
/// The names of Silo's signing scheme: the headers it sets on a forwarded request and the parameters of its
/// signatures. A forwarded request of a signing service carries, besides its own headers,
/// <see cref="TenantIdHeader"/>, <see cref="KeyIdHeader"/>, <see cref="ContentDigestHeader"/> (when it has a
/// body) and one signature per signing secret in force, each labelled and tagged <see cref="Tag"/>.
/// </summary>
public static class SiloSignature
{
    /// <summary>The admitted caller's tenant.</summary>
    public const string TenantIdHeader = "Silo-Tenant-Id";

    /// <summary>The admitted caller's API key id.</summary>
    public const string KeyIdHeader = "Silo-Key-Id";

    /// <summary>The body's SHA-256 digest (RFC 9530).</summary>
    public const string ContentDigestHeader = "Content-Digest";

    /// <summary>RFC 9421's signature metadata header.</summary>
    public const string SignatureInputHeader = "Signature-Input";

    /// <summary>RFC 9421's signature header.</summary>
    public const string SignatureHeader = "Signature";

    /// <summary>The <c>tag</c> parameter of Silo's signatures (and the label of the first one).</summary>
    public const string Tag = "silo";

    /// <summary>The one algorithm Silo signs with.</summary>
    public const string Algorithm = "hmac-sha256";

    /// <summary>How long a signature is valid after it was made. The value is 60 seconds.</summary>
    public static readonly TimeSpan ValidFor = TimeSpan.FromSeconds(60);

    /// <summary>What every Silo signature covers, in this order; <c>content-digest</c> follows when there is a body.</summary>
    public static IReadOnlyList<string> Components { get; } = ["@method", "@target-uri", "silo-tenant-id", "silo-key-id"];

    /// <summary>Every header the gateway sets for signing; a client's own values of them never reach a downstream.</summary>
    public static IReadOnlyList<string> Headers { get; } = [TenantIdHeader, KeyIdHeader, ContentDigestHeader, SignatureInputHeader, SignatureHeader];
}
