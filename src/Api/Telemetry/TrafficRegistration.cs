using Microsoft.Extensions.Hosting;
using Silo.Api.Hosting;
using Silo.Grains.Telemetry;

namespace Silo.Api.Telemetry;

/// <summary>
/// Registers this front end's <see cref="TrafficHistory"/> with the cluster's <see cref="IFrontEndRegistryGrain"/>:
/// every 2 s until it succeeds (the cluster may not be reachable yet), then every
/// <see cref="IFrontEndRegistryGrain.RegisterEvery"/>; and sweeps idle subjects out of the history once a minute.
/// </summary>
internal sealed partial class TrafficRegistration(
    TrafficHistory history, FrontEndPeer peer, IGrainFactory grains, IClusterReadiness cluster, TimeProvider time, ILogger<TrafficRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    /// <summary>This front end's id in the registry (new on every start).</summary>
    public Guid Id { get; } = Guid.NewGuid();

    private ITrafficSource? _self;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registered = DateTimeOffset.MinValue;
        var swept = time.GetUtcNow();
        using var timer = new PeriodicTimer(Retry, time);
        try
        {
            do
            {
                var now = time.GetUtcNow();
                if (now - registered >= IFrontEndRegistryGrain.RegisterEvery && cluster.IsReady && await TryRegisterAsync().ConfigureAwait(false))
                {
                    registered = now;
                }

                if (now - swept >= SweepEvery)
                {
                    history.Sweep();
                    swept = now;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<bool> TryRegisterAsync()
    {
        try
        {
            _self ??= grains.CreateObjectReference<ITrafficSource>(peer);
            await grains.GetGrain<IFrontEndRegistryGrain>(0).RegisterAsync(Id, _self).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotRegistered(logger, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(EventId = 703, Level = LogLevel.Debug, Message = "This front end's traffic record could not be registered with the cluster yet ({Error}); trying again")]
    private static partial void LogNotRegistered(ILogger logger, string error);
}
