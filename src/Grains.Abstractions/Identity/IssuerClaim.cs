namespace Silo.Grains.Identity;

/// <summary>The tenant an issuer belongs to and how its tokens are checked.</summary>
[GenerateSerializer, Immutable, Alias("silo.IssuerClaim")]
public sealed record IssuerClaim(string TenantId, IssuerDefinition Definition);
