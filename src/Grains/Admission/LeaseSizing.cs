namespace Silo.Grains.Admission;

/// <summary>
/// How many units an owner (a key or tenant grain) reserves for one holder of a lease. A holder asks for about
/// two lease durations of its traffic. It gets that only while the limit has plenty of room: the room left after
/// the request's own cost, shared among the holders the owner knows, must hold <see cref="HeadroomFactor"/> times
/// what was asked, else the slice shrinks to that share, and below half of what was asked (or below
/// <see cref="MinimumSlice"/>) nothing is leased and the owner serves the key request by request. So a limit
/// that the current demand would spend within a few leases (a limit of 50 hit by 150 requests, a 10-per-minute
/// key) is counted to the unit and shared fairly, exactly as without leases; and however many holders ask, the
/// slices they hold at once take at most about half of the room, the rest staying with the owner for holders
/// that ask later.
/// </summary>
public static class LeaseSizing
{
    /// <summary>The smallest slice worth leasing. The value is 2.</summary>
    public const long MinimumSlice = 2;

    /// <summary>How many times a holder's ask its share of the room must hold for the full ask. The value is 4.</summary>
    public const long HeadroomFactor = 4;

    /// <param name="requested">Units the holder asked for beyond its request's cost.</param>
    /// <param name="available">Units every limit of the owner can still give (<see cref="long.MaxValue"/>: unlimited).</param>
    /// <param name="cost">The cost of the request that comes with the lease request (0 for a renewal).</param>
    /// <param name="holders">Holders the owner knows, this one included (at least 1).</param>
    public static long Slice(long requested, long available, long cost, int holders)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requested);
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        if (requested < MinimumSlice || available <= cost)
        {
            return 0;
        }

        var room = available == long.MaxValue ? long.MaxValue : (available - cost) / (HeadroomFactor * Math.Max(1, holders));
        var slice = Math.Min(requested, room);
        return slice < MinimumSlice || slice * 2 < requested ? 0 : slice;
    }
}
