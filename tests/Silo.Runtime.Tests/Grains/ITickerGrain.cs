namespace Silo.Runtime.Tests.Grains;

public interface ITickerGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan period);

    Task StopAsync();

    /// <summary>Holds a turn open until the probe's hang is released, to prove ticks wait for calls.</summary>
    Task<int> BusyAsync();
}
