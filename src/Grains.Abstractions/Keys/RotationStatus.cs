namespace Silo.Grains.Keys;

/// <summary>What a rotation did.</summary>
[GenerateSerializer, Alias("silo.RotationStatus")]
public enum RotationStatus
{
    /// <summary>The new secret is in place; the one it replaced works until its grace period ends.</summary>
    Rotated,

    /// <summary>No such key, or it is revoked.</summary>
    NotFound,

    /// <summary>
    /// <see cref="IApiKeyGrain.MaxGracedSecrets"/> earlier secrets are still inside their grace periods; nothing
    /// changed. Retry once one has ended, or rotate with a grace period of 0 (which keeps none).
    /// </summary>
    TooManyPending,
}
