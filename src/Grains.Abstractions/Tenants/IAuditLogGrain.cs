namespace Silo.Grains.Tenants;

/// <summary>
/// One tenant's audit trail (keyed by tenant id): the tenant's own events (keys created, rotated, revoked; the
/// tenant suspended, resumed, its limits and origins changed), kept in pages of <see cref="PageSize"/> events so
/// an append writes one page, never the whole trail. Failed admin logins are not tenant events: they go to the
/// front end's security log.
/// </summary>
[Alias("silo.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Events per page.</summary>
    public const int PageSize = 100;

    /// <summary>Appends an event; the oldest page is dropped once the trail holds more than its retention.</summary>
    [Alias("Append")]
    Task AppendAsync(AuditEvent auditEvent);

    /// <summary>The newest <paramref name="limit"/> events, newest first.</summary>
    [Alias("Read")]
    Task<IReadOnlyList<AuditEvent>> ReadAsync(int limit);
}
