namespace Silo.Grains.Admission;

/// <summary>
/// A request to admit (as <see cref="AdmissionRequest"/>; <see cref="Cost"/> may be 0 for a renewal that admits
/// nothing) and to reserve up to <see cref="Tokens"/> more units of every limit of the key and its tenant for
/// <see cref="Holder"/>, valid for at most <see cref="Duration"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.LeaseRequest")]
public sealed record LeaseRequest(byte[] SecretHash, long Cost, string? Service, long Tokens, TimeSpan Duration, ILeaseHolder Holder);
