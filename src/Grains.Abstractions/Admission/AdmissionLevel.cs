namespace Silo.Grains.Admission;

/// <summary>Which level decided a refusal: the key's own limits and state, or its tenant's.</summary>
[GenerateSerializer, Alias("silo.AdmissionLevel")]
public enum AdmissionLevel
{
    /// <summary>Admitted, or refused before any level was asked (an invalid key).</summary>
    None,

    Key,

    Tenant,
}
