namespace Silo.Grains.Services;

/// <summary>
/// A secret the front ends sign a service's forwarded requests with (HMAC, so it is kept as is, never shown
/// again after it was made). A key replaced by a rotation signs on beside the new one until
/// <see cref="RetiresAt"/>, so downstreams can move to the new secret without a refused request.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.ServiceSigningKey")]
public sealed record ServiceSigningKey(string KeyId, byte[] Secret, DateTimeOffset CreatedAt, DateTimeOffset? RetiresAt)
{
    /// <summary>Whether it still signs at <paramref name="now"/>.</summary>
    public bool SignsAt(DateTimeOffset now) => RetiresAt is not { } retires || retires > now;

    /// <summary>What the admin API shows of it: never the secret.</summary>
    public SigningKeyInfo Info() => new(KeyId, CreatedAt, RetiresAt);
}
