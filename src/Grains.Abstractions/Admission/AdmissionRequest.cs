namespace Silo.Grains.Admission;

/// <summary>One request to admit: the SHA-256 of the presented secret, its cost and the service it targets (null for a bare check).</summary>
[GenerateSerializer, Immutable, Alias("silo.AdmissionRequest")]
public sealed record AdmissionRequest(byte[] SecretHash, long Cost, string? Service);
