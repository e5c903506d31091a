using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tenants;

/// <summary>A tenant as the admin API shows it.</summary>
[GenerateSerializer, Immutable, Alias("silo.TenantInfo")]
public sealed record TenantInfo(
    string Id,
    string Name,
    TenantStatus Status,
    IReadOnlyList<LimitDefinition> Limits,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> KeyIds,
    IReadOnlyList<LimitUsage> Usage,
    IReadOnlyList<string> CorsOrigins,
    IReadOnlyList<Identity.IssuerDefinition>? Issuers = null,
    TenantCacheBudget? Cache = null);
