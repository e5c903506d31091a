namespace Silo.Grains.Admission;

/// <summary>What admission decided; the front end maps each value to one HTTP status.</summary>
[GenerateSerializer, Alias("silo.AdmissionStatus")]
public enum AdmissionStatus
{
    /// <summary>Every limit of the key and its tenant had room; the cost was taken.</summary>
    Allowed,

    /// <summary>A limit of the key or of the tenant has no room; nothing was taken.</summary>
    Limited,

    /// <summary>Unknown key id, wrong secret or revoked key: indistinguishable to the caller.</summary>
    InvalidKey,

    /// <summary>The key's expiry has passed.</summary>
    Expired,

    /// <summary>The key's scopes do not include the requested service.</summary>
    OutOfScope,

    /// <summary>The key's tenant is suspended.</summary>
    TenantSuspended,

    /// <summary>The cost exceeds a limit's capacity, so no amount of waiting would admit it.</summary>
    CostTooHigh,

    /// <summary>A JWT bearer token that failed validation (front end only; never from a grain).</summary>
    InvalidToken,

    /// <summary>The token's issuer's signing keys could not be had, or are too old (front end only).</summary>
    IdentityUnavailable,
}
