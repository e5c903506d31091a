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
/// <remarks>
/// A write that meets another's (another activation of the grain during a membership change or a graceful
/// stop, or a write of this one that timed out and landed after all) rebases the live counts on what is stored
/// and writes again (<see cref="Rebase"/>), telling the owner through <paramref name="learned"/> which epochs
/// the stored counts were handed over with; then <paramref name="deactivate"/> ends the activation, so the next
/// call finds one. Every later write of this activation, its last one included, then carries both counts.
/// </remarks>
internal sealed partial class QuotaCheckpointer(
    IPersistentState<QuotaUsageState> state,
    TimeProvider time,
    ILogger logger,
    Action deactivate,
    LimitMetrics metrics,
    string scope,
    Action<IReadOnlyList<HandedOverEpoch>> learned)
{
    /// <summary>How many times one flush writes after meeting other writes, before it leaves the rest to the next one.</summary>
    private const int WriteAttempts = 3;

    private bool _dirty;

    // What storage holds as far as this activation knows: the counts it restored or last wrote (or rebased on).
    // Its live counts are these plus what it counted since.
    private IReadOnlyList<WindowCheckpoint>? _base;

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
    /// <paramref name="handedOver"/>: the epochs whose leased units the written counts include, asked at each
    /// write. Should storage fail or time out, the counts stay marked as changed, so the next flush writes them.
    /// </remarks>
    public async Task FlushAsync(LimitSet limits, string grain, Func<IReadOnlyList<HandedOverEpoch>> handedOver)
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

    /// <summary>Clears the stored counts (after a write under way, if any); nothing is written until counted again.</summary>
    public async Task ClearAsync()
    {
        await _writing.WaitAsync();
        try
        {
            _dirty = false;
            _base = null;
            if (state.RecordExists)
            {
                await state.ClearStateAsync();
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task WriteAsync(LimitSet limits, string grain, Func<IReadOnlyList<HandedOverEpoch>> handedOver)
    {
        _dirty = false;
        _base ??= state.RecordExists ? state.State.Windows : [];
        var met = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshot = limits.Checkpoint(time.GetTimestamp());
                state.State = new QuotaUsageState { Windows = snapshot, HandedOver = handedOver() };
                try
                {
                    await state.WriteStateAsync();
                    _base = snapshot;
                    metrics.CheckpointWritten(scope);
                    return;
                }
                catch (InconsistentStateException) when (attempt < WriteAttempts)
                {
                    met = true;
                    metrics.CheckpointConflict(scope);
                    await state.ReadStateAsync();
                    Rebase(limits);
                }
                catch (Exception ex) when (ex is not InconsistentStateException)
                {
                    // Storage down or stalled. The write may still land (a stalled Redis runs it when it wakes): the
                    // snapshot becomes the base, so should the next write then meet it, the rebase adds only what
                    // came after it instead of counting it twice.
                    _base = snapshot;
                    throw;
                }
            }
        }
        catch
        {
            // The next flush writes again.
            _dirty = true;
            metrics.CheckpointFailed(scope);
            throw;
        }
        finally
        {
            if (met)
            {
                LogCheckpointConflict(logger, grain);
                deactivate();
            }
        }
    }

    /// <summary>
    /// After another write was found in storage (just read into the state): each activation counted from the
    /// base it read, so the live counts become what is stored plus what this one counted since its base, and that
    /// stored figure is the new base. The epochs the stored counts were handed over with are passed on.
    /// </summary>
    private void Rebase(LimitSet limits)
    {
        var now = time.GetTimestamp();
        var stored = state.RecordExists ? state.State.Windows : [];
        limits.Restore(Merge(limits.Checkpoint(now), _base ?? [], stored), now);
        _base = stored;
        learned(state.RecordExists ? state.State.HandedOver ?? [] : []);
    }

    /// <summary>
    /// The counts after two activations counted concurrently: per window, what is stored plus what
    /// <paramref name="ours"/> added to <paramref name="baseline"/> — less, when more units came back to it (a
    /// handed-over lease given back) than it took. A window the other activation has already left behind is kept
    /// as stored. When one side reset the window's count and the other has not seen that reset, the reset side's
    /// count is kept as it is: what the other counted from before the reset is not added back to it.
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

            var same = stored is not null && stored.WindowStart == o.WindowStart ? stored : null;
            if (same is not null && Later(same.ResetAt, o.ResetAt))
            {
                return same;
            }

            if (Later(o.ResetAt, same?.ResetAt))
            {
                return o;
            }

            var start = baseline.FirstOrDefault(b => b.Name == o.Name && b.WindowStart == o.WindowStart);
            var added = o.Current - (start?.Current ?? 0);
            return o with { Current = Math.Max(0, (same?.Current ?? 0) + added), Previous = Math.Max(o.Previous, same?.Previous ?? 0) };
        })];

    private static bool Later(DateTimeOffset? reset, DateTimeOffset? than) => reset is { } at && (than is null || at > than.Value);

    [LoggerMessage(EventId = 821, Level = LogLevel.Warning, Message = "Quota checkpoint of {Grain} met a concurrent write; counts rebased on the stored ones and written as the sum of both activations'")]
    private static partial void LogCheckpointConflict(ILogger logger, string grain);
}
