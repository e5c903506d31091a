using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Silo.Runtime.Activation;

namespace Silo.Runtime.Hosting;

/// <summary>Starts the runtime with the host and, on shutdown, deactivates (and so flushes) every grain.</summary>
internal sealed partial class SiloLifecycleService(Catalog catalog, ILogger<SiloLifecycleService> logger) : IHostedService, ISiloStatus
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.Start();
        _ready = true;
        LogStarted(logger);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _ready = false;
        await catalog.DeactivateAllAsync(cancellationToken).ConfigureAwait(false);
        LogStopped(logger);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Silo runtime started")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Silo runtime stopped; all grains deactivated")]
    private static partial void LogStopped(ILogger logger);
}
