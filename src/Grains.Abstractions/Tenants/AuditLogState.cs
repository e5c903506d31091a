namespace Silo.Grains.Tenants;

/// <summary>Where a tenant's audit trail starts and ends (page numbers; both pages exist once anything was appended).</summary>
[GenerateSerializer, Alias("silo.AuditLogState")]
public sealed class AuditLogState
{
    [Id(0)]
    public long FirstPage { get; set; }

    [Id(1)]
    public long LastPage { get; set; }
}
