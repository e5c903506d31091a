namespace Silo.Grains.Tenants;

[GenerateSerializer, Alias("silo.TenantStatus")]
public enum TenantStatus
{
    Active,
    Suspended,
}
