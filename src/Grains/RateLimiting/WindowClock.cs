namespace Silo.Grains.RateLimiting;

/// <summary>
/// Wall-clock time derived from monotonic timestamps: anchored once (UTC and timestamp read together), then
/// advanced by elapsed timestamp ticks only. Window boundaries follow UTC, but a wall-clock step (NTP, a
/// manual change) can neither reopen a spent window nor skip one.
/// </summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
internal readonly struct WindowClock(DateTimeOffset anchorUtc, long anchorTimestamp, long frequency)
{
    public DateTimeOffset UtcAt(long timestamp) =>
        anchorUtc + TimeSpan.FromTicks((long)((timestamp - anchorTimestamp) * (double)TimeSpan.TicksPerSecond / frequency));

    /// <summary>The start and end of the window that contains <paramref name="timestamp"/>.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Window(long timestamp, LimitDefinition definition)
    {
        var now = UtcAt(timestamp);
        switch (definition.Calendar)
        {
            case LimitCalendar.Day:
                var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
                return (day, day.AddDays(1));
            case LimitCalendar.Month:
                var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
                return (month, month.AddMonths(1));
            default:
                var length = (long)definition.WindowSeconds * TimeSpan.TicksPerSecond;
                var startTicks = now.UtcTicks - ((now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % length);
                var start = new DateTimeOffset(startTicks, TimeSpan.Zero);
                return (start, start.AddTicks(length));
        }
    }
}
