namespace Silo.Api.Contracts;

/// <summary>
/// <c>GET /admin/tenants/{tenant}/cache</c>: what the tenant's cached responses take on the front end that answers,
/// and the budget it applies to them (the tenant's own, or the front end's default).
/// </summary>
public sealed record TenantCacheUsage(string Tenant, long Bytes, int Items, long MaxBytes, int MaxItems);
