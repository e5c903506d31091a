namespace Silo.Signing;

/// <summary>A shared secret and the id a signature names it by (its <c>keyid</c> parameter).</summary>
public sealed record SigningKey(string KeyId, byte[] Secret);
