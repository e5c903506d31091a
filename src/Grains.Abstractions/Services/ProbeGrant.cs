namespace Silo.Grains.Services;

/// <summary>
/// The answer to a front end asking to send the half-open circuit's one probe: granted (with the token to
/// report its outcome with), or refused with how long to wait.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.ProbeGrant")]
public sealed record ProbeGrant(bool Granted, long Token, int RetryAfterMilliseconds);
