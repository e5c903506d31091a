using Silo.Grains.Tenants;
using Silo.Api.Cors;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Contracts;

/// <summary>Body of <c>POST /admin/tenants</c>.</summary>
public sealed record CreateTenantRequest(string? Id, string? Name, IReadOnlyList<LimitDefinition>? Limits, IReadOnlyList<string?>? CorsOrigins = null, TenantCacheBudget? Cache = null);
