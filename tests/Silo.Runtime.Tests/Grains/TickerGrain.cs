namespace Silo.Runtime.Tests.Grains;

public sealed class TickerGrain(GrainProbe probe) : Grain, ITickerGrain
{
    private IDisposable? _timer;

    public Task StartAsync(TimeSpan period)
    {
        _timer = RegisterTimer(
            async _ =>
            {
                probe.EnterTurn();
                try
                {
                    await Task.Yield();
                    Interlocked.Increment(ref probe.TimerTicks);
                }
                finally
                {
                    probe.ExitTurn();
                }

                probe.TimerTicked.TrySetResult();
            },
            period,
            period);
        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<int> BusyAsync()
    {
        probe.EnterTurn();
        try
        {
            await probe.Hang.Task;
            return Volatile.Read(ref probe.TimerTicks);
        }
        finally
        {
            probe.ExitTurn();
        }
    }
}
