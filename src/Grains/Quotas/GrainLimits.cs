using Microsoft.Extensions.Logging;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>
/// The limits of one key or tenant grain with what surrounds them: durable counts checkpointed to storage
/// and shadow limits reported. Used only inside the owning activation's turns.
/// </summary>
internal sealed class GrainLimits
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
        _checkpointer = new QuotaCheckpointer(usage, time, logger, deactivate, metrics, scope);
        Set = new LimitSet([], time);
    }

    public LimitSet Set { get; private set; }

    /// <summary>
    /// Names the current <see cref="Set"/>: new on every activation and every change of limits, so units given
    /// back from a lease are credited only to the counters they were taken from.
    /// </summary>
    public Guid Epoch { get; private set; } = Guid.NewGuid();

    /// <summary>
    /// Builds the counters of <paramref name="definitions"/>. Durable counts carry over from the previous
    /// definitions (a limit keeping its name and shape keeps its count) or, right after activation, from storage.
    /// </summary>
    public void Load(IReadOnlyList<LimitDefinition> definitions, string owner, string tenant, bool fromStorage)
    {
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
            _checkpointer.Restore(Set);
        }
        else
        {
            Set.Restore(carried, now);
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
    public Admission.LeaseStamp Stamp() => new(Epoch, _time.GetTimestamp());

    /// <summary>
    /// Gives back <paramref name="tokens"/> that a lease stamped <paramref name="stamp"/> reserved and nobody used
    /// (<see cref="LimitSet.Return"/>); nothing when the stamp names another set of counters.
    /// </summary>
    public void Return(long tokens, Admission.LeaseStamp stamp)
    {
        if (tokens > 0 && stamp.Epoch == Epoch)
        {
            Set.Return(tokens, stamp.TakenAt, _time.GetTimestamp());
            _checkpointer.Touch(Set);
        }
    }

    /// <summary>
    /// Starts the checkpoint timer of <paramref name="grain"/> once the limits include a durable one; a no-op
    /// after that or while there is none. Its ticks are turns of the grain and do not keep it alive.
    /// </summary>
    public void EnsureCheckpointTimer(Grain grain, TimeSpan interval, string owner)
    {
        if (_checkpointTimer is null && Set.HasDurable)
        {
            _checkpointTimer = grain.RegisterGrainTimer(_ => FlushAsync(owner), interval, interval);
        }
    }

    /// <summary>
    /// Starts the limit named <paramref name="name"/> afresh and, for a durable one, writes the fresh count at
    /// once, so the reset survives the activation. False when there is no such limit. Should this write meet
    /// another activation's (a moment of two activations during a membership change), the conflict merge keeps
    /// the stored count and the reset is lost: the caller sees the count unchanged and may reset again.
    /// </summary>
    public async Task<bool> ResetAsync(string name, string owner)
    {
        if (!Set.Reset(name))
        {
            return false;
        }

        _checkpointer.Touch(Set);
        await FlushAsync(owner);
        return true;
    }

    /// <summary>Writes the durable counts if they changed.</summary>
    public Task FlushAsync(string owner) => _checkpointer.FlushAsync(Set, owner);

    public LimitUsage Usage(int index) => Set.Usage(index, _time.GetTimestamp());
}
