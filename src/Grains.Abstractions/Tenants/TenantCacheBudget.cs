namespace Silo.Grains.Tenants;

/// <summary>
/// The most a tenant's cached responses may take on each front end (the free tier's cache size and item
/// limits); a tenant without one has the front ends' default (<c>Caching:TenantMaxBytes</c>, <c>Caching:TenantMaxItems</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.TenantCacheBudget")]
public sealed record TenantCacheBudget(long MaxBytes, int MaxItems);
