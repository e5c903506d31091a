using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Silo.Runtime.Activation;
using Silo.Runtime.Membership;
using Silo.Runtime.Transport;

namespace Silo.Runtime.Cluster;

/// <summary>
/// A silo's membership duties: join (Joining → Active), heartbeat, probe the other silos and vote the
/// unresponsive ones dead, give up grains it no longer owns, and leave gracefully (ShuttingDown → flush
/// every grain → Dead). A silo that finds itself declared dead stops, so two silos never both own a grain
/// for long.
/// </summary>
internal sealed partial class SiloMembershipAgent(
    ClusterMembershipService membership,
    SiloIdentity self,
    SiloListener listener,
    SiloRequestHandler handler,
    ClusterConnections connections,
    Catalog catalog,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<SiloMembershipAgent> logger) : IHostedService, Hosting.ISiloStatus
{
    private readonly Dictionary<string, int> _missedProbes = new(StringComparer.Ordinal);
    private readonly string _me = self.Address.ToString();
    private ITimer? _heartbeat;
    private ITimer? _probe;
    private int _probing;
    private volatile bool _active;

    public bool IsReady => _active;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        listener.Start(System.Net.IPAddress.Parse(self.Address.Host), self.Address.Port, handler);
        await membership.StartAsync().ConfigureAwait(false);
        membership.Changed += OnMembershipChanged;
        var now = time.GetUtcNow();
        await ChangeOwnRowAsync(row => row ?? new MembershipEntry(_me, SiloStatus.Joining, now, now, []), insert: true).ConfigureAwait(false);
        await ChangeOwnRowAsync(row => row! with { Status = SiloStatus.Active }, insert: false).ConfigureAwait(false);
        await membership.RefreshAsync().ConfigureAwait(false);
        _active = true;
        LogJoined(logger, _me, membership.Version);

        var o = options.Value;
        _heartbeat = time.CreateTimer(static s => _ = ((SiloMembershipAgent)s!).HeartbeatAsync(), this, o.IAmAlivePeriod, o.IAmAlivePeriod);
        _probe = time.CreateTimer(static s => _ = ((SiloMembershipAgent)s!).ProbeRoundAsync(), this, o.ProbePeriod, o.ProbePeriod);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _active = false;
        _probe?.Dispose();
        _heartbeat?.Dispose();
        membership.Changed -= OnMembershipChanged;
        LogLeaving(logger, _me);

        // 1. Stop owning grains: callers re-route (this silo answers "not owner" from now on).
        await TryChangeOwnRowAsync(SiloStatus.ShuttingDown).ConfigureAwait(false);
        await membership.RefreshAsync().ConfigureAwait(false);

        // 2. Let calls already running here finish, then deactivate (and flush) every grain.
        var deadline = time.GetTimestamp() + (long)(10 * time.TimestampFrequency);
        while (handler.InFlight > 0 && time.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken).ConfigureAwait(false);
        }

        await catalog.DeactivateAllAsync(cancellationToken).ConfigureAwait(false);

        // 3. Gone. Callers a moment behind still get "not owner" (and retry elsewhere) during the drain,
        //    rather than a connection that closes under a call they just sent.
        await TryChangeOwnRowAsync(SiloStatus.Dead).ConfigureAwait(false);
        await Task.Delay(options.Value.ShutdownDrain, time, cancellationToken).ConfigureAwait(false);
        await listener.DisposeAsync().ConfigureAwait(false);
        await connections.DisposeAsync().ConfigureAwait(false);
        await membership.DisposeAsync().ConfigureAwait(false);
        LogLeft(logger, _me);
    }

    private void OnMembershipChanged(object? sender, MembershipChangedEventArgs e)
    {
        var own = e.Snapshot.Find(_me);
        if (own?.Status == SiloStatus.Dead && _active)
        {
            // Declared dead by the others (a long pause, a partition): our grains are served elsewhere now.
            LogDeclaredDead(logger, _me);
            _active = false;
            lifetime.StopApplication();
            return;
        }

        var placement = membership.Placement;
        var moved = catalog.DeactivateNotOwned(id => placement.Owner(id) == self.Address);
        if (moved > 0)
        {
            LogHandedOver(logger, moved, e.Snapshot.Version);
        }
    }

    private async Task HeartbeatAsync()
    {
        try
        {
            await membership.Table.UpdateIAmAliveAsync(_me, time.GetUtcNow()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogHeartbeatFailed(logger, ex.Message);
        }
    }

    private async Task ProbeRoundAsync()
    {
        if (Interlocked.Exchange(ref _probing, 1) != 0)
        {
            return;
        }

        try
        {
            var o = options.Value;
            var snapshot = membership.Snapshot;
            var now = time.GetUtcNow();
            foreach (var row in snapshot.Entries)
            {
                if (row.Silo == _me || row.Status is SiloStatus.Dead or SiloStatus.ShuttingDown)
                {
                    continue;
                }

                // 1. A silo that stopped heartbeating is dead, whoever notices first.
                if (now - row.IAmAliveTime > o.IAmAliveTimeout)
                {
                    await VoteAsync(row.Silo, declareNow: true).ConfigureAwait(false);
                    continue;
                }

                // 2. Otherwise probe it directly; enough consecutive misses earn it a vote.
                var answered = await connections.PingAsync(row.Address, o.ProbeTimeout, time).ConfigureAwait(false);
                var missed = answered ? 0 : _missedProbes.GetValueOrDefault(row.Silo) + 1;
                _missedProbes[row.Silo] = missed;
                if (missed >= o.MissedProbesLimit)
                {
                    await VoteAsync(row.Silo, declareNow: false).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogProbeFailed(logger, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    /// <summary>Adds this silo's suspicion of <paramref name="silo"/>; declares it dead once enough silos agree.</summary>
    private async Task VoteAsync(string silo, bool declareNow)
    {
        var o = options.Value;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var snapshot = await membership.RefreshAsync().ConfigureAwait(false);
            var row = snapshot.Find(silo);
            if (row is null || row.Status == SiloStatus.Dead)
            {
                return;
            }

            var now = time.GetUtcNow();
            var votes = row.Suspicions
                .Where(v => now - v.Time < o.VoteExpiration && v.Voter != _me)
                .Append(new SuspectVote(_me, now))
                .ToArray();
            var voters = snapshot.Entries.Count(e => e.Status == SiloStatus.Active && e.Silo != silo);
            var dead = declareNow || votes.Length >= Math.Min(o.VotesForDeath, Math.Max(1, voters));
            var updated = row with { Suspicions = votes, Status = dead ? SiloStatus.Dead : row.Status };
            if (await membership.Table.UpdateRowAsync(updated, snapshot.Version).ConfigureAwait(false))
            {
                if (dead)
                {
                    LogDeclaredOtherDead(logger, silo, votes.Length);
                }

                await membership.RefreshAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task ChangeOwnRowAsync(Func<MembershipEntry?, MembershipEntry> change, bool insert)
    {
        for (var attempt = 0; ; attempt++)
        {
            var snapshot = await membership.RefreshAsync().ConfigureAwait(false);
            var current = snapshot.Find(_me);
            var row = change(current);
            var done = insert && current is null
                ? await membership.Table.InsertRowAsync(row, snapshot.Version).ConfigureAwait(false)
                : await membership.Table.UpdateRowAsync(row, snapshot.Version).ConfigureAwait(false);
            if (done)
            {
                return;
            }

            if (attempt > 50)
            {
                throw new InvalidOperationException($"Could not update membership row of {_me}: the table kept changing.");
            }
        }
    }

    private async Task TryChangeOwnRowAsync(SiloStatus status)
    {
        try
        {
            await ChangeOwnRowAsync(row => (row ?? throw new InvalidOperationException("own row missing")) with { Status = status }, insert: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStatusFailed(logger, status, ex.Message);
        }
    }

    [LoggerMessage(EventId = 930, Level = LogLevel.Information, Message = "Silo {Silo} joined the cluster (membership version {Version})")]
    private static partial void LogJoined(ILogger logger, string silo, long version);

    [LoggerMessage(EventId = 931, Level = LogLevel.Information, Message = "Silo {Silo} is leaving the cluster")]
    private static partial void LogLeaving(ILogger logger, string silo);

    [LoggerMessage(EventId = 932, Level = LogLevel.Information, Message = "Silo {Silo} left the cluster")]
    private static partial void LogLeft(ILogger logger, string silo);

    [LoggerMessage(EventId = 933, Level = LogLevel.Critical, Message = "Silo {Silo} was declared dead by the cluster; stopping")]
    private static partial void LogDeclaredDead(ILogger logger, string silo);

    [LoggerMessage(EventId = 934, Level = LogLevel.Warning, Message = "Declared silo {Silo} dead ({Votes} votes)")]
    private static partial void LogDeclaredOtherDead(ILogger logger, string silo, int votes);

    [LoggerMessage(EventId = 935, Level = LogLevel.Information, Message = "Handing over {Count} grains after membership version {Version}")]
    private static partial void LogHandedOver(ILogger logger, int count, long version);

    [LoggerMessage(EventId = 936, Level = LogLevel.Warning, Message = "Heartbeat failed: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 937, Level = LogLevel.Warning, Message = "Probe round failed: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 938, Level = LogLevel.Warning, Message = "Could not set own status to {Status}: {Reason}")]
    private static partial void LogStatusFailed(ILogger logger, SiloStatus status, string reason);
}
