namespace Silo.Grains.Tenants;

/// <summary>One page of a tenant's audit trail (keyed <c>{tenant}/{page number}</c>), written whole on each append.</summary>
[Alias("silo.IAuditPageGrain")]
public interface IAuditPageGrain : IGrainWithStringKey
{
    /// <summary>Appends an event; answers how many the page now holds.</summary>
    [Alias("Append")]
    Task<int> AppendAsync(AuditEvent auditEvent);

    /// <summary>The page's events, oldest first.</summary>
    [Alias("Read")]
    Task<IReadOnlyList<AuditEvent>> ReadAsync();

    /// <summary>Deletes the page (retention).</summary>
    [Alias("Clear")]
    Task ClearAsync();
}
