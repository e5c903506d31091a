using Microsoft.Extensions.DependencyInjection;
using Silo.Runtime.Activation;

namespace Silo.Runtime.Cluster;

/// <summary>
/// Routes each call to the grain's owner under the current membership: into this silo's catalog when this
/// silo owns it, else over the owner's connection. A call that provably did not run (the owner answered
/// "not owner", or no connection could be made) is retried after refreshing membership, a bounded number of
/// times; a call lost in flight is not retried, because it may have run.
/// </summary>
internal sealed class ClusterGrainCallInvoker : IGrainCallInvoker
{
    private const int MaxAttempts = 4;

    private readonly ClusterMembershipService _membership;
    private readonly ClusterConnections _connections;
    private readonly CallTimeoutMonitor _timeouts;
    private readonly TimeProvider _time;
    private readonly Catalog? _catalog;
    private readonly SiloIdentity? _self;

    public ClusterGrainCallInvoker(ClusterMembershipService membership, ClusterConnections connections, CallTimeoutMonitor timeouts, TimeProvider time, IServiceProvider services)
    {
        _membership = membership;
        _connections = connections;
        _timeouts = timeouts;
        _time = time;
        _self = services.GetService<SiloIdentity>();
        _catalog = _self is null ? null : services.GetRequiredService<Catalog>();
        connections.OnNotOwner = (call, version) => _ = RetryAsync(call.Target, call.Request, call.Attempt, version, delay: false);
    }

    public void Send(GrainId target, GrainRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CancellationToken.IsCancellationRequested)
        {
            request.TrySetCanceled();
            return;
        }

        request.ArmCancellation();
        Route(target, request, attempt: 0);
        if (!request.IsCompleted)
        {
            _timeouts.Track(request);
        }
    }

    private void Route(GrainId target, GrainRequest request, int attempt)
    {
        var owner = _membership.Placement.Owner(target);
        if (owner is null)
        {
            request.TrySetException(new SiloUnavailableException("No silo of the cluster is active."));
            return;
        }

        if (_self is not null && owner == _self.Address)
        {
            _catalog!.Dispatch(target, request, runInline: true);
            return;
        }

        _ = SendRemoteAsync(owner, target, request, attempt);
    }

    private async Task SendRemoteAsync(Membership.SiloAddress owner, GrainId target, GrainRequest request, int attempt)
    {
        try
        {
            var connection = await _connections.GetAsync(owner).ConfigureAwait(false);
            if (_connections.Send(connection, target, request, attempt, _membership.Version))
            {
                return;
            }
        }
        catch (SiloUnavailableException)
        {
            // Not connected: nothing was sent.
        }

        await RetryAsync(target, request, attempt, minVersion: 0, delay: true).ConfigureAwait(false);
    }

    private async Task RetryAsync(GrainId target, GrainRequest request, int attempt, long minVersion, bool delay)
    {
        if (request.IsCompleted)
        {
            return;
        }

        if (attempt + 1 >= MaxAttempts)
        {
            request.TrySetException(new SiloUnavailableException($"No silo accepted the call to {target} after {MaxAttempts} attempts."));
            return;
        }

        try
        {
            if (delay)
            {
                // The owner is unreachable: give failure detection a moment rather than spinning.
                await Task.Delay(TimeSpan.FromMilliseconds(100 * (attempt + 1)), _time).ConfigureAwait(false);
            }

            await _membership.RefreshAsync(minVersion).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Route with the view we have.
        }

        Route(target, request, attempt + 1);
    }
}
