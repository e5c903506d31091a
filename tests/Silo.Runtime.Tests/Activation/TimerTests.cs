using Silo.Runtime.Tests.Grains;
using Silo.TestKit;

namespace Silo.Runtime.Tests.Activation;

public sealed class TimerTests
{
    [Fact]
    public async Task Timer_FiresOnSchedule_AsATurn()
    {
        await using var silo = await TestSilo.StartAsync();
        var ticker = silo.Grains.GetGrain<ITickerGrain>("t");
        await ticker.StartAsync(TimeSpan.FromSeconds(10)).Bounded();

        silo.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, Volatile.Read(ref silo.Probe.TimerTicks));

        silo.Time.Advance(TimeSpan.FromSeconds(1));
        await silo.Probe.TimerTicked.Task.Bounded();
        Assert.Equal(1, Volatile.Read(ref silo.Probe.TimerTicks));
    }

    [Fact]
    public async Task TimerTick_WaitsForRunningCall()
    {
        await using var silo = await TestSilo.StartAsync();
        var ticker = silo.Grains.GetGrain<ITickerGrain>("busy");
        await ticker.StartAsync(TimeSpan.FromSeconds(1)).Bounded();

        var busy = ticker.BusyAsync();
        silo.Time.Advance(TimeSpan.FromSeconds(1));

        // The tick is queued behind the open turn: the call still sees zero ticks when it finishes.
        silo.Probe.Hang.SetResult();
        Assert.Equal(0, await busy.Bounded());
        await silo.Probe.TimerTicked.Task.Bounded();
        Assert.Equal(1, silo.Probe.MaxConcurrentTurns);
    }

    [Fact]
    public async Task DisposedTimer_StopsTicking()
    {
        await using var silo = await TestSilo.StartAsync();
        var ticker = silo.Grains.GetGrain<ITickerGrain>("stop");
        await ticker.StartAsync(TimeSpan.FromSeconds(1)).Bounded();
        silo.Time.Advance(TimeSpan.FromSeconds(1));
        await silo.Probe.TimerTicked.Task.Bounded();

        await ticker.StopAsync().Bounded();
        silo.Time.Advance(TimeSpan.FromSeconds(10));
        // A call is a turn too: once it returns, any tick queued before it would have run.
        await ticker.StopAsync().Bounded();

        Assert.Equal(1, Volatile.Read(ref silo.Probe.TimerTicks));
    }
}
