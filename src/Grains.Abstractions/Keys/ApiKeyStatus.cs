namespace Silo.Grains.Keys;

[GenerateSerializer, Alias("silo.ApiKeyStatus")]
public enum ApiKeyStatus
{
    Active,
    Revoked,
}
