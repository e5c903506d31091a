using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tenants;

/// <summary>The durable part of a tenant.</summary>
[GenerateSerializer, Alias("silo.TenantState")]
public sealed class TenantState
{
    [Id(0)]
    public string Name { get; set; } = string.Empty;

    [Id(1)]
    public TenantStatus Status { get; set; }

    [Id(2)]
    public IReadOnlyList<LimitDefinition> Limits { get; set; } = [];

    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    [Id(4)]
    public IReadOnlyList<string> KeyIds { get; set; } = [];

    /// <summary>Browser origins allowed to call with this tenant's keys (normalized; see <c>CorsOrigins</c>).</summary>
    [Id(5)]
    public IReadOnlyList<string> CorsOrigins { get; set; } = [];

    /// <summary>The token issuers whose JWTs this tenant's callers may present.</summary>
    [Id(7)]
    public IReadOnlyList<Identity.IssuerDefinition> Issuers { get; set; } = [];

    /// <summary>What the tenant's cached responses may take on each front end; null: the front ends' default.</summary>
    [Id(8)]
    public TenantCacheBudget? Cache { get; set; }

    // [Id(6)] held the audit trail until it moved to IAuditLogGrain; the id is not reused.
}
