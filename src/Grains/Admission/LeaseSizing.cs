namespace Silo.Grains.Admission;

/// <summary>
/// How many units an owner (a key or tenant grain) reserves for one holder of a lease. A slice is at most what
/// the holder asked for and at most half of what is left, after the request's own cost, shared among the
/// holders the owner knows: however many holders ask, at least half of the room stays with the owner, so a
/// holder that asks later is never starved by slices parked elsewhere. A slice below <see cref="MinimumSlice"/>
/// is not worth a lease: the owner then serves the key request by request, which keeps a small limit exact to
/// the unit and fair (a limit of 10 with three holders leases nothing).
/// </summary>
public static class LeaseSizing
{
    /// <summary>The smallest slice worth leasing. The value is 2.</summary>
    public const long MinimumSlice = 2;

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

        var room = available == long.MaxValue ? long.MaxValue : (available - cost) / (2L * Math.Max(1, holders));
        var slice = Math.Min(requested, room);
        return slice < MinimumSlice ? 0 : slice;
    }
}
