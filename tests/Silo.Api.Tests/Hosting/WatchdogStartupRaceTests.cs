using Serilog.Events;
using Serilog.Parsing;
using Silo.ServiceDefaults;

namespace Silo.Api.Tests.Hosting;

/// <summary>Only the watchdog's impossible first-tick stall is dropped from the log; real stalls and everything else pass.</summary>
public sealed class WatchdogStartupRaceTests
{
    private static LogEvent Event(string source, TimeSpan stalled, LogEventLevel level = LogEventLevel.Warning) => new(
        DateTimeOffset.UtcNow,
        level,
        null,
        new MessageTemplateParser().Parse("Participant check thread has not completed for {TimeSinceLastTick}, potentially indicating lock contention"),
        [new LogEventProperty("SourceContext", new ScalarValue(source)), new LogEventProperty("TimeSinceLastTick", new ScalarValue(stalled))]);

    [Fact]
    public void AStallLongerThanTheProcessHasLived_IsDropped_ARealOneIsKept()
    {
        // A process 20 s old.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T12:00:20Z", System.Globalization.CultureInfo.InvariantCulture));
        var race = new WatchdogStartupRace(time, DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(race.IsFalseStall(Event("Orleans.Runtime.Watchdog", new TimeSpan(6, 42, 8))));
        Assert.False(race.IsFalseStall(Event("Orleans.Runtime.Watchdog", TimeSpan.FromSeconds(3))));
        Assert.False(race.IsFalseStall(Event("Silo.Grains.Keys.ApiKeyGrain", new TimeSpan(6, 42, 8))));
        Assert.False(race.IsFalseStall(Event("Orleans.Runtime.Watchdog", new TimeSpan(6, 42, 8), LogEventLevel.Error)));
    }
}
