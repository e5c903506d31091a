using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Silo.Grains.Hosting;

/// <summary>
/// Bounds a graceful stop. A silo asked to stop while Redis is unreachable cannot record that it left the
/// membership table, and Orleans keeps retrying that write for ever; the process would outlive its stop. Once
/// the host's shutdown timeout and <see cref="Grace"/> have passed since the stop began, the process ends
/// itself (exit code 134); the other silos then declare it dead by their probes, as after a crash.
/// </summary>
internal sealed partial class ShutdownDeadline(
    IHostApplicationLifetime lifetime,
    IOptions<HostOptions> host,
    TimeProvider time,
    ILogger<ShutdownDeadline> logger) : IHostedService
{
    /// <summary>How long past the host's shutdown timeout a stop may run before the process ends itself.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>How the process is ended (tests record the call instead).</summary>
    internal Action<string> Terminate { get; init; } = Environment.FailFast;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(Arm);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Arm()
    {
        // Disarmed when the stop completes: a host stopped in time (or one of several in a process, as in tests)
        // must not end the process later.
        var deadline = host.Value.ShutdownTimeout + Grace;
        _ = Task.Delay(deadline, time, lifetime.ApplicationStopped).ContinueWith(
            _ =>
            {
                LogStopOverran(logger, deadline.TotalSeconds);
                Terminate($"The graceful stop did not finish within {deadline.TotalSeconds:F0} s; ending the process.");
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "The graceful stop did not finish within {Seconds} s (is Redis reachable?); ending the process")]
    private static partial void LogStopOverran(ILogger logger, double seconds);
}
