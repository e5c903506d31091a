using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tenants;

/// <summary>The durable part of a tenant.</summary>
public sealed class TenantState
{
    public string Name { get; set; } = string.Empty;

    public TenantStatus Status { get; set; }

    public IReadOnlyList<LimitDefinition> Limits { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<string> KeyIds { get; set; } = [];

    /// <summary>Browser origins allowed to call with this tenant's keys (normalized; see <c>CorsOrigins</c>).</summary>
    public IReadOnlyList<string> CorsOrigins { get; set; } = [];

    /// <summary>The newest audit events, oldest first (at most <see cref="TenantGrain.MaxAuditEvents"/>).</summary>
    public IReadOnlyList<AuditEvent> Audit { get; set; } = [];
}
