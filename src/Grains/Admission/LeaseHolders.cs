namespace Silo.Grains.Admission;

/// <summary>
/// Who holds a slice or a cached refusal of an owner's budget, and until when (the owner's timestamps): the
/// holders a change must reach, and how many share the room when a slice is sized. Used only inside the owning
/// activation's turns.
/// </summary>
internal sealed class LeaseHolders<THolder>(TimeProvider time, IEqualityComparer<THolder>? comparer = null)
    where THolder : notnull
{
    private readonly Dictionary<THolder, long> _until = new(comparer);

    /// <summary>The holders known at <paramref name="now"/>, <paramref name="holder"/> counted in.</summary>
    public int CountWith(THolder holder, long now)
    {
        foreach (var (known, until) in _until)
        {
            if (until <= now)
            {
                _until.Remove(known);
            }
        }

        return _until.Count + (_until.ContainsKey(holder) ? 0 : 1);
    }

    /// <summary>Notes that <paramref name="holder"/> holds something until <paramref name="validFor"/> after <paramref name="now"/>.</summary>
    public void Remember(THolder holder, long now, TimeSpan validFor)
    {
        var until = now + (long)(validFor.TotalSeconds * time.TimestampFrequency);
        if (!_until.TryGetValue(holder, out var known) || known < until)
        {
            _until[holder] = until;
        }
    }

    /// <summary>The holders whose slices or refusals may still stand at <paramref name="now"/>; all are forgotten.</summary>
    public THolder[] TakeAll(long now)
    {
        var active = _until.Where(h => h.Value > now).Select(h => h.Key).ToArray();
        _until.Clear();
        return active;
    }
}
