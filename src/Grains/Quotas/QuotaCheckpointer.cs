using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>
/// Keeps the durable limits of one grain in storage: restored on activation, written by a timer when they
/// changed (never per request) and on deactivation. Runs only inside the owning activation's turns; a write
/// may interleave with the activation's other calls (the timer's turns do), so it writes a snapshot taken
/// before it awaits storage, and one write at a time.
/// </summary>
/// <remarks><paramref name="deactivate"/> ends the owning activation after a conflicting write.</remarks>
internal sealed partial class QuotaCheckpointer(
    IPersistentState<QuotaUsageState> state, TimeProvider time, ILogger logger, Action deactivate, LimitMetrics metrics, string scope)
{
    private bool _dirty;

    // One write at a time: a flush that finds one under way waits for it, then writes what changed since.
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>
    /// Takes the stored counts back into <paramref name="limits"/> after activation, and answers the epochs
    /// handed over since <paramref name="since"/> (whose leased units the counts include).
    /// </summary>
    public IReadOnlyList<HandedOverEpoch> Restore(LimitSet limits, DateTimeOffset since)
    {
        if (!limits.HasDurable || !state.RecordExists)
        {
            return [];
        }

        limits.Restore(state.State.Windows, time.GetTimestamp());
        return [.. (state.State.HandedOver ?? []).Where(h => h.EndedAt > since)];
    }

    /// <summary>Notes that <paramref name="limits"/> took units, so the next checkpoint writes.</summary>
    public void Touch(LimitSet limits) => _dirty |= limits.HasDurable;

    /// <summary>Writes the counts if they changed since the last write.</summary>
    /// <remarks>
    /// <paramref name="handedOver"/>: the epochs whose leased units the written counts include. Should storage
    /// fail or time out, the counts stay marked as changed, so the next flush writes them.
    /// </remarks>
    public async Task FlushAsync(LimitSet limits, string grain, IReadOnlyList<HandedOverEpoch> handedOver)
    {
        if (!_dirty)
        {
            return;
        }

        await _writing.WaitAsync();
        try
        {
            if (_dirty)
            {
                await WriteAsync(limits, grain, handedOver);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task WriteAsync(LimitSet limits, string grain, IReadOnlyList<HandedOverEpoch> handedOver)
    {
        _dirty = false;

        // What storage held when this activation last read or wrote it: the base its own counting started from.
        var baseline = state.State.Windows;
        state.State = new QuotaUsageState { Windows = [.. limits.Checkpoint(time.GetTimestamp())], HandedOver = handedOver };
        try
        {
            await state.WriteStateAsync();
            metrics.CheckpointWritten(scope);
        }
        catch (InconsistentStateException)
        {
            metrics.CheckpointConflict(scope);
            // Another activation of this grain wrote meanwhile (a moment of two activations during a membership
            // change or a graceful stop) — or a write of this one that timed out landed after all. Each counted
            // from the base it read, so what the stored figure lacks is exactly what this one added since its
            // base: add that to what is stored, then let this stale activation go away, so the next call reads
            // the sum.
            var ours = state.State.Windows;
            await state.ReadStateAsync();
            var theirs = state.RecordExists ? state.State.Windows : [];
            var handedOverToo = state.RecordExists ? state.State.HandedOver ?? [] : [];
            state.State = new QuotaUsageState { Windows = Merge(ours, baseline, theirs), HandedOver = [.. handedOver.Union(handedOverToo)] };
            await state.WriteStateAsync();
            LogCheckpointConflict(logger, grain);
            deactivate();
        }
        catch
        {
            // Storage down or stalled: the next flush writes again. The write may still land (a stalled Redis runs
            // it when it wakes): the snapshot stays the base, so should the next write then meet it, the merge adds
            // only what came after it instead of counting it twice.
            _dirty = true;
            metrics.CheckpointFailed(scope);
            throw;
        }
    }

    /// <summary>
    /// The counts after two activations counted concurrently: per window, what is stored plus what
    /// <paramref name="ours"/> added to <paramref name="baseline"/>. A window the other activation has already
    /// left behind is kept as stored.
    /// </summary>
    internal static List<WindowCheckpoint> Merge(
        IReadOnlyList<WindowCheckpoint> ours, IReadOnlyList<WindowCheckpoint> baseline, IReadOnlyList<WindowCheckpoint> theirs) =>
        [.. ours.Select(o =>
        {
            var stored = theirs.FirstOrDefault(t => t.Name == o.Name);
            if (stored is not null && stored.WindowStart > o.WindowStart)
            {
                return stored;
            }

            var start = baseline.FirstOrDefault(b => b.Name == o.Name && b.WindowStart == o.WindowStart);
            var added = Math.Max(0, o.Current - (start?.Current ?? 0));
            var same = stored is not null && stored.WindowStart == o.WindowStart ? stored : null;
            return o with { Current = (same?.Current ?? 0) + added, Previous = Math.Max(o.Previous, same?.Previous ?? 0) };
        })];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quota checkpoint of {Grain} met a concurrent write; stored the sum of both activations' counts")]
    private static partial void LogCheckpointConflict(ILogger logger, string grain);
}
