namespace Silo.Grains.Tenants;

[GenerateSerializer, Alias("silo.CreateKeyStatus")]
public enum CreateKeyStatus
{
    Created,
    TenantNotFound,
    KeyIdTaken,
}
