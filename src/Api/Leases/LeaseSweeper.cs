using Microsoft.Extensions.Hosting;

namespace Silo.Api.Leases;

/// <summary>
/// Gives unused units of expired slices back to their grains every quarter second, and every slice's on a
/// graceful stop, so a front end that stops (or a key that goes quiet) parks nothing for longer than a lease.
/// </summary>
internal sealed class LeaseSweeper(LeaseTable leases, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!leases.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                leases.Sweep(all: false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (leases.Enabled)
        {
            leases.Sweep(all: true);
        }
    }
}
