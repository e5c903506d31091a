namespace Silo.Api.Hosting;

/// <summary>
/// A client front end is ready once Orleans connected it to the cluster (the host does not start before) and
/// while it has at least one gateway silo.
/// </summary>
internal sealed class GatewayConnections(IGrainFactory grains, IHostApplicationLifetime lifetime) : IClusterReadiness
{
    // Unknown until Orleans first reports a change: the connection made at start-up had at least one.
    private int _connected = -1;

    public bool IsReady => lifetime.ApplicationStarted.IsCancellationRequested && Volatile.Read(ref _connected) != 0;

    private long _changes;

    public long Changes => Interlocked.Read(ref _changes);

    public void Update(int connectedGateways)
    {
        Volatile.Write(ref _connected, connectedGateways);
        Interlocked.Increment(ref _changes);
    }

    public async Task<IReadOnlyList<string>> ActiveSilosAsync()
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return [.. hosts.Keys.Select(s => s.ToParsableString()).Order(StringComparer.Ordinal)];
    }
}
