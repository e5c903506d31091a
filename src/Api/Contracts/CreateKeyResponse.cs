using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Contracts;

/// <summary>Answer of key creation: the only time the full key is ever shown.</summary>
public sealed record CreateKeyResponse(
    string Id,
    string Key,
    string TenantId,
    string Name,
    ApiKeyStatus Status,
    IReadOnlyList<LimitDefinition> Limits,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt);
