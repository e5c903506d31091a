using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Silo.Grains.Telemetry;

/// <summary>Keeps the front ends' <see cref="ITrafficSource"/> references (<see cref="IFrontEndRegistryGrain"/>), in memory only.</summary>
public sealed class FrontEndRegistryGrain(ILogger<FrontEndRegistryGrain> logger) : Grain, IFrontEndRegistryGrain
{
    private readonly ObserverManager<Guid, ITrafficSource> _frontEnds = new(IFrontEndRegistryGrain.ForgetAfter, logger);

    public Task RegisterAsync(Guid frontEnd, ITrafficSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _frontEnds.Subscribe(frontEnd, source);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<Guid, ITrafficSource>> ListAsync()
    {
        _frontEnds.ClearExpired();
        return Task.FromResult(_frontEnds.Observers);
    }
}
