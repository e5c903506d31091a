using System.ComponentModel.DataAnnotations;

namespace Silo.Grains.Tenants;

/// <summary>Retention of tenants' audit trails (configuration section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// About how many events each tenant keeps: the trail drops its oldest page of 100 once it holds more.
    /// The default value is 10000.
    /// </summary>
    [Range(IAuditLogGrain.PageSize, 10_000_000, ErrorMessage = "Audit:MaxEventsPerTenant must be between 100 and 10000000.")]
    public int MaxEventsPerTenant { get; set; } = 10_000;

    /// <summary>How many pages the trail keeps.</summary>
    public int MaxPages => (MaxEventsPerTenant + IAuditLogGrain.PageSize - 1) / IAuditLogGrain.PageSize;
}
