using Microsoft.Extensions.Logging;

namespace Silo.Grains.Hosting;

/// <summary>
/// Says when this silo became an active member of the cluster and, on a graceful stop, when it has left the
/// membership table (operators and tests wait for these lines).
/// </summary>
internal sealed partial class SiloJoinLogger(ILocalSiloDetails silo, ILogger<SiloJoinLogger> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(SiloJoinLogger), ServiceLifecycleStage.Active, _ =>
        {
            LogJoined(logger, silo.SiloAddress.ToParsableString(), silo.ClusterId);
            return Task.CompletedTask;
        });

        // Stages stop in reverse order: this one stops after BecomeActive, whose stop takes the silo out of the
        // membership table.
        lifecycle.Subscribe(nameof(SiloJoinLogger), ServiceLifecycleStage.ApplicationServices, _ => Task.CompletedTask, _ =>
        {
            LogLeft(logger, silo.SiloAddress.ToParsableString(), silo.ClusterId);
            return Task.CompletedTask;
        });
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Silo {Silo} joined the cluster {Cluster}")]
    private static partial void LogJoined(ILogger logger, string silo, string cluster);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Silo {Silo} left the cluster {Cluster}")]
    private static partial void LogLeft(ILogger logger, string silo, string cluster);
}
