namespace Silo.Grains.Tenants;

/// <summary>The events of one audit page, oldest first.</summary>
[GenerateSerializer, Alias("silo.AuditPageState")]
public sealed class AuditPageState
{
    [Id(0)]
    public IReadOnlyList<AuditEvent> Events { get; set; } = [];
}
