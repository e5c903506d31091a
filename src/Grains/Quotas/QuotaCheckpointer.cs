using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>
/// Keeps the durable limits of one grain in storage: restored on activation, written by a timer when they
/// changed (never per request) and on deactivation. Runs only inside the owning activation's turns.
/// </summary>
/// <remarks><paramref name="deactivate"/> ends the owning activation after a conflicting write.</remarks>
internal sealed partial class QuotaCheckpointer(IPersistentState<QuotaUsageState> state, TimeProvider time, ILogger logger, Action deactivate)
{
    private bool _dirty;

    /// <summary>Takes the stored counts back into <paramref name="limits"/> (after activation or a limits change).</summary>
    public void Restore(LimitSet limits)
    {
        if (limits.HasDurable && state.RecordExists)
        {
            limits.Restore(state.State.Windows, time.GetTimestamp());
        }
    }

    /// <summary>Notes that <paramref name="limits"/> took units, so the next checkpoint writes.</summary>
    public void Touch(LimitSet limits) => _dirty |= limits.HasDurable;

    /// <summary>Writes the counts if they changed since the last write.</summary>
    public async Task FlushAsync(LimitSet limits, string grain)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        state.State = new QuotaUsageState { Windows = [.. limits.Checkpoint(time.GetTimestamp())] };
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation of this grain wrote meanwhile (a moment of two activations during a membership
            // change). Each counted only what it admitted, and neither knows the other's share: keep the larger
            // count per window, so the stored figure never goes down; then this stale activation goes away, so
            // the next call reads what is stored.
            var ours = state.State.Windows;
            await state.ReadStateAsync();
            var theirs = state.RecordExists ? state.State.Windows : [];
            state.State = new QuotaUsageState { Windows = Merge(ours, theirs) };
            await state.WriteStateAsync();
            LogCheckpointConflict(logger, grain);
            deactivate();
        }
    }

    private static List<WindowCheckpoint> Merge(IReadOnlyList<WindowCheckpoint> ours, IReadOnlyList<WindowCheckpoint> theirs) =>
        [.. ours.Select(o => theirs.FirstOrDefault(t => t.Name == o.Name && t.WindowStart == o.WindowStart && t.Current > o.Current) ?? o)];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quota checkpoint of {Grain} met a concurrent write; kept the larger counts")]
    private static partial void LogCheckpointConflict(ILogger logger, string grain);
}
