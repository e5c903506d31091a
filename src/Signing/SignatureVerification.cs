namespace Silo.Signing;

/// <summary>
/// The outcome of verifying a request: on success the key id of the secret that verified it and the signed
/// tenant and API key id of the caller the gateway admitted; otherwise why not.
/// </summary>
public sealed record SignatureVerification(SignatureFailure? Failure, string? KeyId = null, string? TenantId = null, string? CallerKeyId = null)
{
    public bool IsValid => Failure is null;

    internal static SignatureVerification Failed(SignatureFailure failure) => new(failure);
}
