using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Silo.Runtime.Membership;
using Silo.Runtime.Placement;

namespace Silo.Runtime.Cluster;

/// <summary>
/// This process's view of the membership table, kept current by notifications (pub/sub) and polling, and
/// the placement computed from it. Silos and clients hold one each and route with the same function.
/// </summary>
public sealed partial class ClusterMembershipService(
    IMembershipTable table,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<ClusterMembershipService> logger) : IAsyncDisposable
{
    private readonly Lock _refreshGate = new();
    private Task<MembershipSnapshot>? _refreshing;
    private ITimer? _poll;
    private IAsyncDisposable? _watch;
    private volatile MembershipSnapshot _snapshot = MembershipSnapshot.Empty;
    private volatile RendezvousPlacement _placement = RendezvousPlacement.Empty;

    /// <summary>Raised (on some thread) when a newer table version has been read.</summary>
    public event EventHandler<MembershipChangedEventArgs>? Changed;

    public IMembershipTable Table => table;

    public MembershipSnapshot Snapshot => _snapshot;

    public RendezvousPlacement Placement => _placement;

    public long Version => _snapshot.Version;

    public async Task StartAsync()
    {
        _watch = await table.WatchAsync(() => _ = RefreshQuietlyAsync()).ConfigureAwait(false);
        await RefreshAsync().ConfigureAwait(false);
        var period = options.Value.RefreshPeriod;
        _poll = time.CreateTimer(static s => _ = ((ClusterMembershipService)s!).RefreshQuietlyAsync(), this, period, period);
    }

    /// <summary>Reads the table (one read at a time; concurrent callers share it) until at least <paramref name="minVersion"/> is seen or one read returns.</summary>
    public async Task<MembershipSnapshot> RefreshAsync(long minVersion = 0)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Task<MembershipSnapshot> read;
            lock (_refreshGate)
            {
                if (_refreshing is null || _refreshing.IsCompleted)
                {
                    _refreshing = ReadAndApplyAsync();
                }

                read = _refreshing;
            }

            var snapshot = await read.ConfigureAwait(false);
            if (snapshot.Version >= minVersion)
            {
                return snapshot;
            }
        }

        return _snapshot;
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _poll?.Dispose();
        if (_watch is not null)
        {
            await _watch.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRefreshFailed(logger, ex.Message);
        }
    }

    private async Task<MembershipSnapshot> ReadAndApplyAsync()
    {
        var snapshot = await table.ReadAllAsync().ConfigureAwait(false);
        var current = _snapshot;
        if (snapshot.Version > current.Version)
        {
            _snapshot = snapshot;
            var placement = RendezvousPlacement.From(snapshot);
            var changed = !placement.Silos.SequenceEqual(_placement.Silos);
            _placement = placement;
            if (changed)
            {
                LogViewChanged(logger, snapshot.Version, string.Join(", ", placement.Silos));
            }

            Changed?.Invoke(this, new MembershipChangedEventArgs(snapshot));
        }
        else if (snapshot.Version == current.Version)
        {
            // Heartbeat times move without a version change; keep them fresh for failure detection.
            _snapshot = snapshot;
        }

        return _snapshot;
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Membership version {Version}: active silos {Silos}")]
    private static partial void LogViewChanged(ILogger logger, long version, string silos);

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Reading the membership table failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
