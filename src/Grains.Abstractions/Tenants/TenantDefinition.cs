using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tenants;

/// <summary>What an administrator asks for when creating a tenant.</summary>
[GenerateSerializer, Immutable, Alias("silo.TenantDefinition")]
public sealed record TenantDefinition(string Name, IReadOnlyList<LimitDefinition> Limits, IReadOnlyList<string>? CorsOrigins = null, TenantCacheBudget? Cache = null);
