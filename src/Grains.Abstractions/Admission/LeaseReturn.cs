namespace Silo.Grains.Admission;

/// <summary>Units of a slice its holder did not use, given back to the owners that reserved them.</summary>
[GenerateSerializer, Immutable, Alias("silo.LeaseReturn")]
public sealed record LeaseReturn(long Tokens, LeaseStamp KeyStamp, LeaseStamp TenantStamp);
