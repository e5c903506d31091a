namespace Silo.Grains.Keys;

/// <summary>The SHA-256 of a secret a rotation replaced, and until when it still authenticates.</summary>
[GenerateSerializer, Immutable, Alias("silo.GracedSecret")]
public sealed record GracedSecret(byte[] Hash, DateTimeOffset ValidUntil);
