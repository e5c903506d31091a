namespace Silo.Api.Contracts;

/// <summary>
/// Body of <c>POST /admin/services/{service}/signing-keys</c> (optional): how long the keys signing now go on
/// signing beside the new one, so downstreams can take the new secret without refusing a request.
/// </summary>
public sealed record AddSigningKeyRequest(int? OverlapSeconds)
{
    /// <summary>The overlap when none is given. The default value is 3600 seconds.</summary>
    public const int DefaultOverlapSeconds = 3600;

    /// <summary>The longest overlap accepted: 30 days.</summary>
    public const int MaxOverlapSeconds = 30 * 86_400;

    /// <summary>The most keys signing at once (each adds a signature to every forwarded request). The value is 3.</summary>
    public const int MaxKeys = 3;
}
