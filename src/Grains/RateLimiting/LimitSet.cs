namespace Silo.Grains.RateLimiting;

/// <summary>
/// All limits of one key or tenant. A request passes only if every limit has room; when one rejects, the
/// units already taken from the others are given back, so a rejected request costs nothing.
/// </summary>
public sealed class LimitSet
{
    private readonly ILimitCounter[] _counters;

    public LimitSet(IReadOnlyList<LimitDefinition> definitions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        _counters = [.. definitions.Select(d => LimitCounter.Create(d, time))];
        Policies = [.. definitions.Select(d => new LimitPolicy(d.Name, d.Capacity, d.EffectiveWindowSeconds))];
        MaxCost = definitions.Count == 0 ? long.MaxValue : definitions.Min(d => d.Capacity);
    }

    public IReadOnlyList<LimitPolicy> Policies { get; }

    public bool IsEmpty => _counters.Length == 0;

    /// <summary>Takes <paramref name="cost"/> from every limit, or from none.</summary>
    public LimitDecision TryAcquire(long cost, long timestamp)
    {
        LimitOutcome? tightest = null;
        for (var i = 0; i < _counters.Length; i++)
        {
            var outcome = _counters[i].TryAcquire(cost, timestamp);
            if (!outcome.Allowed)
            {
                for (var j = 0; j < i; j++)
                {
                    _counters[j].Refund(cost, timestamp);
                }

                return LimitDecision.From(outcome);
            }

            if (tightest is null || outcome.Remaining < tightest.Value.Remaining)
            {
                tightest = outcome;
            }
        }

        return tightest is { } t ? LimitDecision.From(t) : LimitDecision.Unlimited;
    }

    /// <summary>Gives back what a successful <see cref="TryAcquire"/> took.</summary>
    public void Refund(long cost, long timestamp)
    {
        foreach (var counter in _counters)
        {
            counter.Refund(cost, timestamp);
        }
    }

    /// <summary>The largest cost a request may have: the smallest capacity among the limits.</summary>
    public long MaxCost { get; }

    /// <summary>The state of limit <paramref name="index"/> without taking anything.</summary>
    public LimitUsage Usage(int index, long timestamp)
    {
        var outcome = _counters[index].Peek(timestamp);
        return new LimitUsage(outcome.Definition.Name, outcome.Definition.Capacity, outcome.Remaining, (int)Math.Ceiling(outcome.ResetAfter.TotalSeconds));
    }
}
