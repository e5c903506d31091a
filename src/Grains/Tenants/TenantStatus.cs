namespace Silo.Grains.Tenants;

public enum TenantStatus
{
    Active,
    Suspended,
}
