namespace Silo.Grains.Admission;

/// <summary>A tenant's answer to a key grain's lease request: the same shape, one level up.</summary>
[GenerateSerializer, Immutable, Alias("silo.TenantLease")]
public sealed record TenantLease(AdmissionResult Result, long Tokens, TimeSpan ValidFor, TimeSpan RefusedFor, LeaseStamp Stamp);
