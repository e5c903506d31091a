namespace Silo.Grains.RateLimiting;

/// <summary>
/// All limits of one key or tenant. A request passes only if every enforced limit has room; when one rejects,
/// the units already taken from the others are given back, so a rejected request costs nothing.
/// Shadow limits are asked after the enforced ones pass: a would-be rejection is counted and reported through
/// <see cref="ShadowRejected"/>, and the request goes on. Single-threaded, like the grain turn that owns it.
/// </summary>
public sealed class LimitSet
{
    private readonly ILimitCounter[] _counters;
    private readonly TimeProvider _time;
    private readonly bool[] _shadow;
    private readonly long[] _shadowRejections;

    // Which shadow limits the last TryAcquire took units from, so Refund gives back only those.
    private uint _lastShadowTaken;

    public LimitSet(IReadOnlyList<LimitDefinition> definitions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Count > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(definitions), "At most 32 limits per set.");
        }

        _time = time;
        _counters = [.. definitions.Select(d => LimitCounter.Create(d, time))];
        _shadow = [.. definitions.Select(d => d.Shadow)];
        _shadowRejections = new long[definitions.Count];
        var enforced = definitions.Where(d => !d.Shadow).ToArray();
        Policies = [.. enforced.Select(d => new LimitPolicy(d.Name, d.Capacity, d.EffectiveWindowSeconds))];
        MaxCost = enforced.Length == 0 ? long.MaxValue : enforced.Min(d => d.Capacity);
        IsEmpty = _counters.Length == 0;
        HasDurable = definitions.Any(d => d.IsDurable);
    }

    /// <summary>The enforced limits, as the rate-limit headers describe them.</summary>
    public IReadOnlyList<LimitPolicy> Policies { get; }

    public bool IsEmpty { get; }

    /// <summary>Whether any limit is checkpointed to storage (<see cref="LimitDefinition.IsDurable"/>).</summary>
    public bool HasDurable { get; }

    /// <summary>The largest cost a request may have: the smallest capacity among the enforced limits.</summary>
    public long MaxCost { get; }

    /// <summary>Called with a shadow limit's definition each time it would have rejected a request.</summary>
    public Action<LimitDefinition>? ShadowRejected { get; set; }

    /// <summary>Takes <paramref name="cost"/> from every enforced limit, or from none.</summary>
    public LimitDecision TryAcquire(long cost, long timestamp)
    {
        _lastShadowTaken = 0;
        LimitOutcome? tightest = null;
        for (var i = 0; i < _counters.Length; i++)
        {
            if (_shadow[i])
            {
                continue;
            }

            var outcome = _counters[i].TryAcquire(cost, timestamp);
            if (!outcome.Allowed)
            {
                for (var j = 0; j < i; j++)
                {
                    if (!_shadow[j])
                    {
                        _counters[j].Refund(cost, timestamp);
                    }
                }

                return LimitDecision.From(outcome);
            }

            if (tightest is null || outcome.Remaining < tightest.Value.Remaining)
            {
                tightest = outcome;
            }
        }

        AcquireShadow(cost, timestamp);
        return tightest is { } t ? LimitDecision.From(t) : LimitDecision.Unlimited;
    }

    /// <summary>Gives back what the last successful <see cref="TryAcquire"/> took (another level rejected).</summary>
    public void Refund(long cost, long timestamp)
    {
        for (var i = 0; i < _counters.Length; i++)
        {
            if (!_shadow[i] || (_lastShadowTaken & (1u << i)) != 0)
            {
                _counters[i].Refund(cost, timestamp);
            }
        }

        _lastShadowTaken = 0;
    }

    /// <summary>
    /// The units every enforced limit could still give at <paramref name="timestamp"/>: the least remaining among
    /// them, <see cref="long.MaxValue"/> when there is none.
    /// </summary>
    public long Available(long timestamp)
    {
        var available = long.MaxValue;
        for (var i = 0; i < _counters.Length; i++)
        {
            if (!_shadow[i])
            {
                available = Math.Min(available, _counters[i].Peek(timestamp).Remaining);
            }
        }

        return available;
    }

    /// <summary>
    /// How long units taken now may be used: until the earliest end of the current window of any enforced
    /// windowed limit (a unit counted in one window must not be spent in the next), at most <paramref name="cap"/>.
    /// </summary>
    public TimeSpan UsableFor(long timestamp, TimeSpan cap)
    {
        for (var i = 0; i < _counters.Length; i++)
        {
            if (!_shadow[i] && _counters[i] is WindowedCounter windowed)
            {
                var left = windowed.UntilWindowEnd(timestamp);
                if (left < cap)
                {
                    cap = left;
                }
            }
        }

        return cap < TimeSpan.Zero ? TimeSpan.Zero : cap;
    }

    /// <summary>
    /// Gives back <paramref name="cost"/> units that a successful <see cref="TryAcquire"/> at
    /// <paramref name="takenAt"/> reserved and nobody used: token buckets take them back (never above their
    /// capacity), windowed limits only while the window they were counted in is current. Shadow limits keep them.
    /// With <paramref name="durableOnly"/>, only durable limits take them back: the units were taken by an earlier
    /// activation, whose in-memory counts this one did not inherit.
    /// </summary>
    public void Return(long cost, long takenAt, long timestamp, bool durableOnly = false)
    {
        for (var i = 0; i < _counters.Length; i++)
        {
            if (_shadow[i] || (durableOnly && !_counters[i].Definition.IsDurable))
            {
                continue;
            }

            if (_counters[i] is WindowedCounter windowed)
            {
                windowed.Return(cost, takenAt, timestamp);
            }
            else
            {
                _counters[i].Refund(cost, timestamp);
            }
        }
    }

    /// <summary>The state of limit <paramref name="index"/> without taking anything.</summary>
    public LimitUsage Usage(int index, long timestamp)
    {
        var outcome = _counters[index].Peek(timestamp);
        return new LimitUsage(
            outcome.Definition.Name,
            outcome.Definition.Capacity,
            outcome.Remaining,
            (int)Math.Ceiling(outcome.ResetAfter.TotalSeconds),
            _shadow[index] ? _shadowRejections[index] : null);
    }

    /// <summary>
    /// Starts the limit named <paramref name="name"/> afresh, as if no request had ever been counted (a shadow
    /// limit's rejection count too); false when there is no such limit.
    /// </summary>
    public bool Reset(string name)
    {
        for (var i = 0; i < _counters.Length; i++)
        {
            if (string.Equals(_counters[i].Definition.Name, name, StringComparison.Ordinal))
            {
                _counters[i] = LimitCounter.Create(_counters[i].Definition, _time);
                (_counters[i] as WindowedCounter)?.MarkReset(_time.GetUtcNow());
                _shadowRejections[i] = 0;
                return true;
            }
        }

        return false;
    }

    /// <summary>The counts of the durable limits, for storage.</summary>
    public IReadOnlyList<WindowCheckpoint> Checkpoint(long timestamp)
    {
        var checkpoints = new List<WindowCheckpoint>();
        foreach (var counter in _counters)
        {
            if (counter.Definition.IsDurable && counter is WindowedCounter windowed)
            {
                checkpoints.Add(windowed.Checkpoint(timestamp));
            }
        }

        return checkpoints;
    }

    /// <summary>Sets the counts to stored ones; checkpoints of limits that no longer exist or changed shape are ignored.</summary>
    public void Restore(IEnumerable<WindowCheckpoint> checkpoints, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        foreach (var checkpoint in checkpoints)
        {
            foreach (var counter in _counters)
            {
                if (counter.Definition.IsDurable && counter is WindowedCounter windowed && checkpoint.Matches(counter.Definition))
                {
                    windowed.Restore(checkpoint, timestamp);
                }
            }
        }
    }

    private void AcquireShadow(long cost, long timestamp)
    {
        for (var i = 0; i < _counters.Length; i++)
        {
            if (!_shadow[i])
            {
                continue;
            }

            if (_counters[i].TryAcquire(cost, timestamp).Allowed)
            {
                _lastShadowTaken |= 1u << i;
            }
            else
            {
                _shadowRejections[i]++;
                ShadowRejected?.Invoke(_counters[i].Definition);
            }
        }
    }
}
