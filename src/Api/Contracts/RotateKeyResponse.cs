namespace Silo.Api.Contracts;

/// <summary>Answer of a rotation: the new full key (shown once) and until when the old one still works.</summary>
public sealed record RotateKeyResponse(string Id, string Key, DateTimeOffset? PreviousKeyValidUntil);
