namespace Silo.Grains.Admission;

/// <summary>
/// Who holds a slice or a cached refusal of an owner's budget, and until when (the owner's timestamps): the
/// holders a change must reach, how many share the room when a slice is sized, and which were granted units
/// the owner may ask back before it refuses. Used only inside the owning activation's turns.
/// </summary>
internal sealed class LeaseHolders<THolder>(TimeProvider time, IEqualityComparer<THolder>? comparer = null)
    where THolder : notnull
{
    private readonly Dictionary<THolder, Holding> _held = new(comparer);

    /// <summary>The holders known at <paramref name="now"/>, <paramref name="holder"/> counted in.</summary>
    public int CountWith(THolder holder, long now)
    {
        foreach (var (known, holding) in _held)
        {
            if (holding.Until <= now)
            {
                _held.Remove(known);
            }
        }

        return _held.Count + (_held.ContainsKey(holder) ? 0 : 1);
    }

    /// <summary>
    /// Notes that <paramref name="holder"/> holds something until <paramref name="validFor"/> after
    /// <paramref name="now"/>: a slice of units when <paramref name="slice"/>, else a cached refusal.
    /// </summary>
    public void Remember(THolder holder, long now, TimeSpan validFor, bool slice = false)
    {
        var until = now + (long)(validFor.TotalSeconds * time.TimestampFrequency);
        _held.TryGetValue(holder, out var known);
        _held[holder] = new Holding(Math.Max(known.Until, until), slice ? Math.Max(known.SliceUntil, until) : known.SliceUntil);
    }

    /// <summary>
    /// The holders other than <paramref name="except"/> granted a slice, still valid at <paramref name="now"/>,
    /// since they were last asked to give back: each is asked at most once per slice granted to it.
    /// </summary>
    public THolder[] TakeReclaimable(long now, THolder? except)
    {
        var reclaimable = _held
            .Where(h => h.Value.SliceUntil > now && (except is null || !_held.Comparer.Equals(h.Key, except)))
            .Select(h => h.Key)
            .ToArray();
        foreach (var holder in reclaimable)
        {
            _held[holder] = _held[holder] with { SliceUntil = 0 };
        }

        return reclaimable;
    }

    /// <summary>The holders whose slices or refusals may still stand at <paramref name="now"/>; all are forgotten.</summary>
    public THolder[] TakeAll(long now)
    {
        var active = _held.Where(h => h.Value.Until > now).Select(h => h.Key).ToArray();
        _held.Clear();
        return active;
    }

    /// <param name="Until">When everything the holder was given has expired.</param>
    /// <param name="SliceUntil">When the slices granted since it was last asked to give back expire (0: none).</param>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
    private readonly record struct Holding(long Until, long SliceUntil);
}
