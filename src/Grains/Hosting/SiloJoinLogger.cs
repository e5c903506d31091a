using Microsoft.Extensions.Logging;

namespace Silo.Grains.Hosting;

/// <summary>Says, once, that this silo became an active member of the cluster (scripts and tests wait for the line).</summary>
internal sealed partial class SiloJoinLogger(ILocalSiloDetails silo, ILogger<SiloJoinLogger> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloJoinLogger), ServiceLifecycleStage.Active, _ =>
        {
            LogJoined(logger, silo.SiloAddress.ToParsableString(), silo.ClusterId);
            return Task.CompletedTask;
        });

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Silo {Silo} joined the cluster {Cluster}")]
    private static partial void LogJoined(ILogger logger, string silo, string cluster);
}
