namespace Silo.Grains.Services;

/// <summary>
/// The answer to a front end asking to send the half-open circuit's one probe: granted (with the token to
/// report its outcome with), or refused with how long to wait. <paramref name="Closed"/> says the circuit has
/// closed since the front end's snapshot (another probe succeeded): the request goes on as an ordinary one, and
/// <paramref name="Stamp"/> is the snapshot to fetch.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.ProbeGrant")]
public sealed record ProbeGrant(bool Granted, long Token, int RetryAfterMilliseconds, bool Closed = false, SnapshotStamp? Stamp = null);
