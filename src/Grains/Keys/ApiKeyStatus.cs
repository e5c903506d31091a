namespace Silo.Grains.Keys;

public enum ApiKeyStatus
{
    Active,
    Revoked,
}
