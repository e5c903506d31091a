using Microsoft.Extensions.Hosting;

namespace Silo.Runtime.Cluster;

/// <summary>A cluster client (a front end): follows membership; ready once at least one silo is active.</summary>
internal sealed class ClusterClientService(ClusterMembershipService membership, ClusterConnections connections) : IHostedService, Hosting.ISiloStatus
{
    private volatile bool _started;

    public bool IsReady => _started && membership.Placement.Silos.Count > 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await membership.StartAsync().ConfigureAwait(false);
        _started = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _started = false;
        await connections.DisposeAsync().ConfigureAwait(false);
        await membership.DisposeAsync().ConfigureAwait(false);
    }
}
