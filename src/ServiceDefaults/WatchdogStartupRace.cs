using System.Diagnostics;
using Serilog.Events;

namespace Silo.ServiceDefaults;

/// <summary>
/// Orleans 10.4's watchdog starts its platform thread before it sets the timestamp of the participant check,
/// so on a fresh process the first check may measure from the machine's boot and warn "Participant check
/// thread has not completed for 06:42:08…" — a stall longer than the process has lived, which no newcomer
/// should have to puzzle over. That one warning is dropped; every real stall (shorter than the process's
/// life, by definition) is still logged.
/// </summary>
public sealed class WatchdogStartupRace(TimeProvider time, DateTimeOffset processStart)
{
    private const string Category = "Orleans.Runtime.Watchdog";

    /// <summary>For this process, on <paramref name="time"/>'s clock.</summary>
    public static WatchdogStartupRace ForThisProcess(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var process = Process.GetCurrentProcess();
        return new WatchdogStartupRace(time, new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero));
    }

    /// <summary>Whether <paramref name="logEvent"/> is the watchdog's warning of a stall longer than the process has lived.</summary>
    public bool IsFalseStall(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        return logEvent.Level == LogEventLevel.Warning &&
               logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: Category } &&
               logEvent.Properties.TryGetValue("TimeSinceLastTick", out var stalled) && stalled is ScalarValue { Value: TimeSpan span } &&
               span > time.GetUtcNow() - processStart;
    }
}
