namespace Silo.Grains.Services;

/// <summary>Whose requests share a service's cached responses.</summary>
[GenerateSerializer, Alias("silo.CacheScope")]
public enum CacheScope
{
    /// <summary>Each tenant has its own entries: a tenant's keys share them, other tenants never see them.</summary>
    Tenant,

    /// <summary>Each key has its own entries.</summary>
    Key,

    /// <summary>One public cache for every caller of the service (the responses must not depend on who asks).</summary>
    Shared,
}
