namespace Silo.Grains.RateLimiting;

/// <summary>Calendar-aligned fixed windows (UTC), instead of windows of <c>windowSeconds</c>.</summary>
[GenerateSerializer, Alias("silo.LimitCalendar")]
public enum LimitCalendar
{
    /// <summary>Windows of <see cref="LimitDefinition.WindowSeconds"/>, aligned to the Unix epoch.</summary>
    None,

    /// <summary>From 00:00 UTC to the next 00:00 UTC.</summary>
    Day,

    /// <summary>From the first of the month, 00:00 UTC, to the first of the next month.</summary>
    Month,
}
