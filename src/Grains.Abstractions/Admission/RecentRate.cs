namespace Silo.Grains.Admission;

/// <summary>
/// How busy something is now: units counted per second of a monotonic clock, read as the busier of the current
/// second and the one before it (so a rate does not drop to nothing each time a second starts). Used by the
/// front end to decide when a key is worth leasing and by a key grain to decide when to take a share of its
/// tenant. Not thread-safe: its owner serializes calls (a lock, or a grain's turns).
/// </summary>
public sealed class RecentRate(long frequency)
{
    private long _secondStart;
    private long _thisSecond;
    private long _lastSecond;

    /// <summary>Counts <paramref name="units"/> at <paramref name="now"/>.</summary>
    public void Add(long units, long now)
    {
        Roll(now);
        _thisSecond += units;
    }

    /// <summary>Units a second at <paramref name="now"/>: the busier of this second and the last.</summary>
    public long PerSecond(long now)
    {
        Roll(now);
        return Math.Max(_thisSecond, _lastSecond);
    }

    private void Roll(long now)
    {
        var elapsed = now - _secondStart;
        if (elapsed < frequency)
        {
            return;
        }

        _lastSecond = elapsed < 2 * frequency ? _thisSecond : 0;
        _thisSecond = 0;
        _secondStart = now;
    }
}
