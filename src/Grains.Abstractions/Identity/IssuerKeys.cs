namespace Silo.Grains.Identity;

/// <summary>
/// An issuer's signing keys as last fetched: the JWKS document (null before the first good fetch), when it was
/// fetched, and the error of the last attempt when it failed (the keys fetched before keep serving).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.IssuerKeys")]
public sealed record IssuerKeys(string? Jwks, DateTimeOffset? FetchedAt, string? LastError);
