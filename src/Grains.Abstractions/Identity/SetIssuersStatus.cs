namespace Silo.Grains.Identity;

/// <summary>The outcome of replacing a tenant's issuers.</summary>
public enum SetIssuersStatus
{
    Set,
    TenantNotFound,

    /// <summary>Another tenant registered one of the issuers: nothing changed.</summary>
    IssuerTaken,
}
