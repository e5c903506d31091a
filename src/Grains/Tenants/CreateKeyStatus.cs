namespace Silo.Grains.Tenants;

public enum CreateKeyStatus
{
    Created,
    TenantNotFound,
    KeyIdTaken,
}
