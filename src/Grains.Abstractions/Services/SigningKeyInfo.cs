namespace Silo.Grains.Services;

/// <summary>A signing key of a service as the admin API shows it: its id and lifetime, never its secret.</summary>
[GenerateSerializer, Immutable, Alias("silo.SigningKeyInfo")]
public sealed record SigningKeyInfo(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? RetiresAt);
