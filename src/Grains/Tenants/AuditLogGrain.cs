using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace Silo.Grains.Tenants;

/// <summary>
/// A tenant's audit trail as a run of pages (<see cref="AuditPageGrain"/>). Its own state, the first and last
/// page numbers, is written only when a page fills or the oldest one is dropped; each append writes just the
/// last page (at most <see cref="IAuditLogGrain.PageSize"/> events).
/// </summary>
[RandomPlacement]
public sealed class AuditLogGrain(
    [PersistentState("audit")] IPersistentState<AuditLogState> state,
    IOptions<AuditOptions> options) : Grain, IAuditLogGrain
{
    public async Task AppendAsync(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var s = state.State;
        var count = await Page(s.LastPage).AppendAsync(auditEvent);
        if (count < IAuditLogGrain.PageSize)
        {
            return;
        }

        // The last page is full: the next event starts a new one, and the oldest goes once there are too many.
        s.LastPage++;
        var dropped = new List<long>();
        while (s.LastPage - s.FirstPage + 1 > options.Value.MaxPages)
        {
            dropped.Add(s.FirstPage++);
        }

        await state.WriteStateAsync();
        foreach (var page in dropped)
        {
            await Page(page).ClearAsync();
        }
    }

    public async Task<IReadOnlyList<AuditEvent>> ReadAsync(int limit)
    {
        var newestFirst = new List<AuditEvent>();
        for (var page = state.State.LastPage; page >= state.State.FirstPage && newestFirst.Count < limit; page--)
        {
            var events = await Page(page).ReadAsync();
            for (var i = events.Count - 1; i >= 0 && newestFirst.Count < limit; i--)
            {
                newestFirst.Add(events[i]);
            }
        }

        return newestFirst;
    }

    private IAuditPageGrain Page(long number) => GrainFactory.GetGrain<IAuditPageGrain>($"{this.GetPrimaryKeyString()}/{number}");
}
