using Silo.Grains.Services;

namespace Silo.Api.Contracts;

/// <summary>
/// A new signing key: its id and secret (base64, shown in this answer only; give it to the downstream's
/// verifier), and every key of the service now, without secrets.
/// </summary>
public sealed record AddSigningKeyResponse(string KeyId, string Secret, IReadOnlyList<SigningKeyInfo> Keys);
