using Orleans.Placement;

namespace Silo.Grains.Tenants;

/// <summary>One page of a tenant's audit trail; see <see cref="AuditLogGrain"/>.</summary>
[RandomPlacement]
public sealed class AuditPageGrain([PersistentState("audit-page")] IPersistentState<AuditPageState> state) : Grain, IAuditPageGrain
{
    public async Task<int> AppendAsync(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        state.State.Events = [.. state.State.Events, auditEvent];
        await state.WriteStateAsync();
        return state.State.Events.Count;
    }

    public Task<IReadOnlyList<AuditEvent>> ReadAsync() => Task.FromResult(state.State.Events);

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
