namespace Silo.Api.Caching;

/// <summary>The most one owner (a tenant; or a shared cache's service) may hold in a front end's response cache.</summary>
internal sealed record CacheBudget(long MaxBytes, int MaxItems);
