using Microsoft.Extensions.Logging;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>
/// The limits of one key or tenant grain with what surrounds them: durable counts checkpointed to storage
/// and shadow limits reported. Used only inside the owning activation's turns.
/// </summary>
internal sealed partial class GrainLimits
{
    private readonly TimeProvider _time;
    private readonly LimitMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _scope;
    private readonly QuotaCheckpointer _checkpointer;
    private IDisposable? _checkpointTimer;

    public GrainLimits(IPersistentState<QuotaUsageState> usage, TimeProvider time, LimitMetrics metrics, ILogger logger, string scope, Action deactivate)
    {
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _scope = scope;
        _checkpointer = new QuotaCheckpointer(usage, time, logger, deactivate, metrics, scope, Learn);
        Set = new LimitSet([], time);
    }

    public LimitSet Set { get; private set; }

    /// <summary>
    /// Names the current <see cref="Set"/>: new on every activation and every change of limits, so units given
    /// back from a lease are credited only to the counters they were taken from.
    /// </summary>
    public Guid Epoch { get; private set; } = Guid.NewGuid();

    /// <summary>
    /// How long units leased by an activation that ended gracefully may still come back to the next one: the
    /// longest lease (10 s) with room for the holder's sweep and the message's way. The value is 1 minute.
    /// </summary>
    internal static readonly TimeSpan HandoverHorizon = TimeSpan.FromMinutes(1);

    // Epochs of earlier activations whose leased units the restored counts include (QuotaUsageState.HandedOver).
    private IReadOnlyList<HandedOverEpoch> _handedOver = [];

    // Whether this activation stamped a lease, so its end hands its epoch over.
    private bool _stamped;

    // Units given back under an epoch this activation does not know (yet): an earlier activation that was still
    // running when this one read storage may hand it over later, which this one learns when its next checkpoint
    // meets that write. Kept for the handover horizon, the oldest dropped beyond UnplacedCapacity.
    private readonly List<(Guid Epoch, long Tokens, DateTimeOffset TakenAtUtc)> _unplaced = [];

    private const int UnplacedCapacity = 256;

    // Handed-over epochs that ended before this moment are not credited: they counted towards limits that have
    // since changed or been reset.
    private DateTimeOffset _creditSince = DateTimeOffset.MinValue;

    // The key or tenant these limits are of (logs).
    private string _owner = "";

    /// <summary>
    /// Builds the counters of <paramref name="definitions"/>. Durable counts carry over from the previous
    /// definitions (a limit keeping its name and shape keeps its count) or, right after activation, from storage.
    /// </summary>
    public void Load(IReadOnlyList<LimitDefinition> definitions, string owner, string tenant, bool fromStorage)
    {
        _owner = owner;
        var now = _time.GetTimestamp();
        var carried = Set.Checkpoint(now);
        Set = new LimitSet(definitions, _time);
        Epoch = Guid.NewGuid();
        if (definitions.Any(d => d.Shadow))
        {
            var log = new ShadowRejectionLog(_metrics, _time, _logger, _scope, owner, tenant);
            Set.ShadowRejected = definition =>
            {
                ShadowLimited = true;
                log.Report(definition);
            };
        }

        if (fromStorage)
        {
            _handedOver = _checkpointer.Restore(Set, _time.GetUtcNow() - HandoverHorizon);
            LogRestored(_logger, owner, Epoch, _handedOver.Count);
        }
        else
        {
            // New limits: units leased before the change are not credited to them (errs towards admitting less).
            Set.Restore(carried, now);
            Forget();
        }
    }

    /// <summary>Whether a shadow limit would have rejected the last <see cref="TryAcquire"/>.</summary>
    public bool ShadowLimited { get; private set; }

    /// <summary>Takes <paramref name="cost"/> from every enforced limit, or from none.</summary>
    public LimitDecision TryAcquire(long cost)
    {
        ShadowLimited = false;
        var decision = Set.TryAcquire(cost, _time.GetTimestamp());
        if (decision.Allowed)
        {
            _checkpointer.Touch(Set);
        }

        return decision;
    }

    /// <summary>Gives back what the last <see cref="TryAcquire"/> took.</summary>
    public void Refund(long cost) => Set.Refund(cost, _time.GetTimestamp());

    /// <summary>Where units taken now are taken: for the holder to give back what it does not use.</summary>
    public Admission.LeaseStamp Stamp()
    {
        _stamped = true;
        return new(Epoch, _time.GetTimestamp(), _time.GetUtcNow());
    }

    /// <summary>
    /// Takes <paramref name="cost"/> for a request and, with it, a slice of up to <paramref name="asked"/> units for
    /// one of <paramref name="holders"/> holders, sized by headroom (<see cref="Admission.LeaseSizing"/>); the
    /// request alone when the slice does not fit. The stamp says where the units were taken.
    /// </summary>
    public (LimitDecision Decision, long Slice, Admission.LeaseStamp Stamp) TryLease(long cost, long asked, int holders)
    {
        var slice = Admission.LeaseSizing.Slice(asked, Set.Available(_time.GetTimestamp()), cost, holders);
        var stamp = Stamp();
        var decision = TryAcquire(cost + slice);
        if (!decision.Allowed && slice > 0)
        {
            slice = 0;
            decision = TryAcquire(cost);
        }

        return (decision, slice, stamp);
    }

    /// <summary>
    /// Gives back <paramref name="tokens"/> that a lease stamped <paramref name="stamp"/> reserved and nobody used
    /// (<see cref="LimitSet.Return"/>): to every limit when this activation stamped it, to the durable limits
    /// when an earlier activation did and handed its counts over on a graceful end; else to none.
    /// </summary>
    public void Return(long tokens, Admission.LeaseStamp stamp)
    {
        ArgumentNullException.ThrowIfNull(stamp);
        if (tokens <= 0)
        {
            return;
        }

        if (stamp.Epoch == Epoch)
        {
            Set.Return(tokens, stamp.TakenAt, _time.GetTimestamp());
        }
        else if (stamp.Epoch != Guid.Empty && _handedOver.Any(h => h.Epoch == stamp.Epoch))
        {
            ReturnHandedOver(tokens, stamp.TakenAtUtc);
        }
        else if (stamp.Epoch != Guid.Empty && Set.HasDurable && stamp.TakenAtUtc > _time.GetUtcNow() - HandoverHorizon)
        {
            if (_unplaced.Count == UnplacedCapacity)
            {
                _unplaced.RemoveAt(0);
            }

            // Kept until that epoch is learned; the checkpoint written meanwhile meets a handover written after
            // this activation read storage.
            _unplaced.Add((stamp.Epoch, tokens, stamp.TakenAtUtc));
            LogReturnUnplaced(_logger, _owner, tokens, stamp.Epoch);
        }
        else
        {
            LogReturnDropped(_logger, _owner, tokens, stamp.Epoch);
            return;
        }

        _checkpointer.Touch(Set);
    }

    // To the durable limits only: that activation's short windows ended with it. Its clock is not ours: the
    // moment it took the units is placed on our own timeline.
    private void ReturnHandedOver(long tokens, DateTimeOffset takenAtUtc)
    {
        var now = _time.GetTimestamp();
        var ago = _time.GetUtcNow() - takenAtUtc;
        var takenAt = now - (long)(ago.TotalSeconds * _time.TimestampFrequency);
        Set.Return(tokens, takenAt, now, durableOnly: true);
    }

    /// <summary>
    /// Takes in the epochs another activation's write handed over (seen when a checkpoint met it), and credits
    /// the units that came back under them before this activation knew them.
    /// </summary>
    private void Learn(IReadOnlyList<HandedOverEpoch> stored)
    {
        var horizon = _time.GetUtcNow() - HandoverHorizon;
        var known = _handedOver.Where(h => h.EndedAt > horizon).ToList();
        foreach (var epoch in stored)
        {
            if (epoch.EndedAt > horizon && epoch.EndedAt >= _creditSince && epoch.Epoch != Epoch && !known.Exists(h => h.Epoch == epoch.Epoch))
            {
                known.Add(epoch);
            }
        }

        _handedOver = known;
        _unplaced.RemoveAll(u => u.TakenAtUtc <= horizon);
        foreach (var (epoch, tokens, takenAtUtc) in _unplaced.Where(u => known.Exists(h => h.Epoch == u.Epoch)).ToArray())
        {
            ReturnHandedOver(tokens, takenAtUtc);
            _unplaced.Remove((epoch, tokens, takenAtUtc));
        }

        LogLearned(_logger, _owner, stored.Count, _unplaced.Count);
    }

    // Units leased so far are no longer credited to the counts: they were counted before a reset or a change.
    private void Forget()
    {
        _handedOver = [];
        _unplaced.Clear();
        _stamped = false;
        _creditSince = _time.GetUtcNow();
    }

    /// <summary>
    /// Starts the checkpoint timer of <paramref name="grain"/> once the limits include a durable one; a no-op
    /// after that or while there is none. Its ticks are turns of the grain that interleave with its calls, and
    /// do not keep it alive.
    /// </summary>
    public void EnsureCheckpointTimer(Grain grain, TimeSpan interval, string owner)
    {
        if (_checkpointTimer is null && Set.HasDurable)
        {
            // Interleaved: the key's or tenant's calls go on while storage is written (or stalls), instead of
            // queueing behind the write until their call timeout.
            _checkpointTimer = grain.RegisterGrainTimer(
                _ => CheckpointAsync(owner), new GrainTimerCreationOptions(interval, interval) { Interleave = true });
        }
    }

    /// <summary>
    /// Starts the limit named <paramref name="name"/> afresh and, for a durable one, writes the fresh count at
    /// once, so the reset survives the activation. False when there is no such limit. The count carries the
    /// moment of the reset: should this write meet another activation's (a moment of two activations during a
    /// membership change), or that one's later checkpoint meet this write, the merge keeps the reset count instead
    /// of adding back what the other counted before it (<see cref="QuotaCheckpointer.Merge"/>).
    /// </summary>
    public async Task<bool> ResetAsync(string name, string owner)
    {
        if (!Set.Reset(name))
        {
            return false;
        }

        // Units leased before the reset were counted before it: given back now, they would lend the fresh count
        // units it never lent. They are dropped (the holders' unused units credited before, by the caller).
        Epoch = Guid.NewGuid();
        Forget();

        _checkpointer.Touch(Set);
        await FlushAsync(owner);
        return true;
    }

    /// <summary>
    /// Forgets every count, of memory and storage (the tenant or key was deleted): the limits become none, so
    /// nothing is written again as the activation ends.
    /// </summary>
    public async Task ClearAsync(string owner)
    {
        Load([], owner, owner, fromStorage: false);
        await _checkpointer.ClearAsync();
    }

    // A tick of the checkpoint timer: storage failing is logged here, and the next tick writes the counts again.
    private async Task CheckpointAsync(string owner)
    {
        try
        {
            await FlushAsync(owner);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCheckpointFailed(_logger, owner, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 823, Level = LogLevel.Debug, Message = "Limits of {Grain} restored as epoch {Epoch}; the stored counts include {HandedOver} handed-over epoch(s)")]
    private static partial void LogRestored(ILogger logger, string grain, Guid epoch, int handedOver);

    [LoggerMessage(EventId = 824, Level = LogLevel.Debug, Message = "{Tokens} unit(s) given back to {Grain} under epoch {Epoch}, not known yet: kept until a checkpoint learns it")]
    private static partial void LogReturnUnplaced(ILogger logger, string grain, long tokens, Guid epoch);

    [LoggerMessage(EventId = 825, Level = LogLevel.Debug, Message = "{Tokens} unit(s) given back to {Grain} under epoch {Epoch}, not credited (another activation's, not handed over)")]
    private static partial void LogReturnDropped(ILogger logger, string grain, long tokens, Guid epoch);

    [LoggerMessage(EventId = 826, Level = LogLevel.Debug, Message = "Limits of {Grain} met {Stored} stored handed-over epoch(s); {Unplaced} return(s) still unplaced")]
    private static partial void LogLearned(ILogger logger, string grain, int stored, int unplaced);

    [LoggerMessage(EventId = 827, Level = LogLevel.Debug, Message = "Limits of {Grain} hand epoch {Epoch} over")]
    private static partial void LogHandingOver(ILogger logger, string grain, Guid epoch);

    [LoggerMessage(EventId = 820, Level = LogLevel.Warning, Message = "Quota checkpoint of {Grain} could not be written ({Error}); the next checkpoint writes the counts")]
    private static partial void LogCheckpointFailed(ILogger logger, string grain, string error);

    /// <summary>Writes the durable counts if they changed.</summary>
    public Task FlushAsync(string owner) => _checkpointer.FlushAsync(Set, owner, () => Handover(ending: false));

    /// <summary>
    /// Writes the durable counts as the activation ends gracefully, with its epoch handed over when it leased
    /// units out: its holders' unused units, given back after it is gone, are then credited by the next activation
    /// instead of counting as spent.
    /// </summary>
    public Task FlushOnDeactivationAsync(string owner)
    {
        if (_stamped && Set.HasDurable)
        {
            _checkpointer.Touch(Set);
        }

        return _checkpointer.FlushAsync(Set, owner, () => Handover(ending: true));
    }

    private List<HandedOverEpoch> Handover(bool ending)
    {
        var now = _time.GetUtcNow();
        var kept = _handedOver.Where(h => h.EndedAt > now - HandoverHorizon).ToList();
        if (ending && _stamped)
        {
            kept.Add(new HandedOverEpoch(Epoch, now));
            LogHandingOver(_logger, _owner, Epoch);
        }

        return kept;
    }

    public LimitUsage Usage(int index) => Set.Usage(index, _time.GetTimestamp());
}
