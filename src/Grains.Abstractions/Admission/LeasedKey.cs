using Silo.Grains.Keys;

namespace Silo.Grains.Admission;

/// <summary>
/// What a front end needs to authenticate and refuse a key by itself while it holds a lease: the SHA-256 of the
/// current secret and of each replaced secret still in its grace, the key's expiry and scopes. Never a secret.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.LeasedKey")]
public sealed record LeasedKey(string TenantId, byte[] SecretHash, IReadOnlyList<GracedSecret> GracedSecrets, DateTimeOffset? ExpiresAt, IReadOnlyList<string> Scopes);
