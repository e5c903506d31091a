using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;

namespace Silo.Api.Config;

/// <summary>A tenant: <c>status</c> active (the default) or suspended; its keys are matched by id, else by name.</summary>
public sealed record TenantConfig(
    string? Id,
    string? Name,
    TenantStatus? Status = null,
    IReadOnlyList<LimitDefinition>? Limits = null,
    IReadOnlyList<string?>? CorsOrigins = null,
    IReadOnlyList<KeyConfig>? Keys = null,
    TenantCacheBudget? Cache = null);
