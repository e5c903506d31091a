namespace Silo.Api.Contracts;

/// <summary>Body of <c>POST /admin/keys/{keyId}/rotate</c> (optional): how long the old secret stays valid.</summary>
public sealed record RotateKeyRequest(int? GracePeriodSeconds)
{
    /// <summary>The grace period when none is given. The default value is 3600 seconds.</summary>
    public const int DefaultGracePeriodSeconds = 3600;

    /// <summary>The longest grace period accepted: 30 days.</summary>
    public const int MaxGracePeriodSeconds = 30 * 86_400;
}
