using Silo.Grains.RateLimiting;

namespace Silo.Grains.Keys;

/// <summary>A key as the admin API shows it: never the secret or its hash.</summary>
[GenerateSerializer, Immutable, Alias("silo.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    string Id,
    string TenantId,
    string Name,
    ApiKeyStatus Status,
    IReadOnlyList<LimitDefinition> Limits,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<LimitUsage> Usage);
