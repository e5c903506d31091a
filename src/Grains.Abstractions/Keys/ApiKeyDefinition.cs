using Silo.Grains.RateLimiting;

namespace Silo.Grains.Keys;

/// <summary>What an administrator asks for when creating a key.</summary>
[GenerateSerializer, Immutable, Alias("silo.ApiKeyDefinition")]
public sealed record ApiKeyDefinition(
    string Name,
    IReadOnlyList<LimitDefinition> Limits,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt);
