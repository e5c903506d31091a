using Microsoft.Extensions.Logging;
using Silo.Grains.Admission;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Keys;

/// <summary>
/// The key's share of its tenant: a key admitted request by request at least <see cref="ShareMinimumRate"/>
/// times a second takes a slice of its tenant's limits (as a front end takes one of the key's) and admits
/// from it, so its requests do not each wait on the tenant grain. The share is reserved at the tenant like any
/// slice (sized there by headroom, so a small or nearly spent tenant limit is still counted per request), is
/// told of tenant changes as a lessee (<see cref="EndLeasesAsync()"/>), and what it did not use goes back
/// when it expires, when a new one is taken, when leases end and when the activation ends.
/// </summary>
public sealed partial class ApiKeyGrain
{
    /// <summary>How long a share lasts at most; the tenant shortens it to the end of a windowed limit's window. The value is 1 second.</summary>
    internal static readonly TimeSpan ShareDuration = TimeSpan.FromSeconds(1);

    /// <summary>Requests a second admitted by this grain itself before it takes a share of its tenant. The value is 5.</summary>
    internal const long ShareMinimumRate = 5;

    /// <summary>How long before it ends a share is renewed. The value is 250 ms.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMilliseconds(250);

    /// <summary>How many times a share is offered back to the tenant as the activation ends. The value is 3.</summary>
    private const int DeactivationReturnAttempts = 3;

    private TenantShare? _share;
    private Task? _shareRenewal;
    private IGrainTimer? _shareTimer;

    // Units this grain admits per request itself; made on the first.
    private RecentRate? _admitted;

    /// <summary>
    /// Takes <paramref name="cost"/> for one request from the share when it has room, else from the tenant,
    /// asking for a new share beside it when the key is busy enough. A share running low is renewed in the
    /// background, so a busy key's requests rarely wait on the tenant.
    /// </summary>
    private async Task<AdmissionResult> FromTenantAsync(long cost)
    {
        var now = time.GetTimestamp();
        _admitted ??= new RecentRate(time.TimestampFrequency);
        _admitted.Add(cost, now);
        var rate = _admitted.PerSecond(now);
        if (TakeFromShare(cost, now, rate) is { } fromShare)
        {
            return fromShare;
        }

        if (_shareRenewal is { } pending)
        {
            // A renewal is on its way: wait for it rather than ask the tenant a second time.
            await pending;
            now = time.GetTimestamp();
            if (TakeFromShare(cost, now, rate) is { } renewed)
            {
                return renewed;
            }
        }

        ReturnShare();
        var wanted = Wanted(rate);
        if (wanted == 0)
        {
            return await Tenant().AcquireAsync(cost);
        }

        var generation = _leaseGeneration;
        var lease = await Tenant().LeaseAsync(this.GetPrimaryKeyString(), cost, wanted, ShareDuration);
        await KeepShareAsync(lease, now, generation);
        return lease.Result;
    }

    /// <summary>The request's units from the share, starting its renewal when it runs low; null when it has no room.</summary>
    private AdmissionResult? TakeFromShare(long cost, long now, long rate)
    {
        if (_share is not { } share || share.ExpiresAt <= now || share.Tokens < cost)
        {
            return null;
        }

        share.Tokens -= cost;
        var low = share.Tokens * 2 < rate || share.ExpiresAt - now < (long)(RenewBefore.TotalSeconds * time.TimestampFrequency);
        if (low && _shareRenewal is null && Wanted(rate) > 0)
        {
            _shareRenewal = RenewShareAsync(Wanted(rate));
        }

        return share.Admitted();
    }

    /// <summary>
    /// Asks the tenant for a new share without a request waiting on it (its continuation is a turn of this
    /// grain between requests); the old share's unused units join the new one, or go back.
    /// </summary>
    private async Task RenewShareAsync(long wanted)
    {
        await Task.Yield();
        try
        {
            var now = time.GetTimestamp();
            var generation = _leaseGeneration;
            var lease = await Tenant().LeaseAsync(this.GetPrimaryKeyString(), 0, wanted, ShareDuration);
            if (lease.Result.Status == AdmissionStatus.Allowed && lease.Tokens > 0 && generation == _leaseGeneration)
            {
                // What is left of the old share joins the new one when both were taken from the same counters in
                // the same window (the old one is still valid, and no share outlives its window): the tenant's
                // answer counts both, so the headers stay right. Else it goes back under its own stamp.
                if (_share is { } old && old.ExpiresAt > time.GetTimestamp() && old.Stamp.Epoch == lease.Stamp.Epoch)
                {
                    _share = null;
                    lease = lease with { Tokens = lease.Tokens + old.Tokens };
                }
                else
                {
                    ReturnShare();
                }
            }

            await KeepShareAsync(lease, now, generation);
        }
        catch (Exception ex)
        {
            // The next request that finds the share spent asks the tenant itself.
            LogShareRenewalFailed(logger, this.GetPrimaryKeyString(), ex.GetType().Name);
        }
        finally
        {
            _shareRenewal = null;
        }
    }

    /// <summary>Keeps the share the tenant granted, unless the tenant's leases ended while it answered.</summary>
    private async Task KeepShareAsync(TenantLease lease, long now, int generation)
    {
        if (lease.Result.Status != AdmissionStatus.Allowed || lease.Tokens <= 0)
        {
            return;
        }

        if (generation != _leaseGeneration)
        {
            // The tenant's leases ended while it answered: this share was granted before the change.
            await Tenant().ReturnLeaseAsync(lease.Tokens, lease.Stamp);
            return;
        }

        _share = new TenantShare(lease.Tokens, now + (long)(lease.ValidFor.TotalSeconds * time.TimestampFrequency), lease.Stamp, lease.Result);
        ArmShareTimer(lease.ValidFor);
    }

    /// <summary>Units a share asks for: two share durations of the key's traffic; none below <see cref="ShareMinimumRate"/>.</summary>
    private static long Wanted(long rate) => rate >= ShareMinimumRate ? rate * (long)Math.Ceiling(ShareDuration.TotalSeconds) * 2 : 0;

    /// <summary>Gives the tenant back what the share did not use, and drops it.</summary>
    private void ReturnShare()
    {
        if (TakeShare() is { } unused)
        {
            // One-way: the tenant credits it when it gets to it; nothing here waits.
            _ = Tenant().ReturnLeaseAsync(unused.Tokens, unused.TenantStamp);
        }
    }

    /// <summary>
    /// Gives the tenant back what the share did not use as the activation ends, waiting for the tenant to
    /// confirm: a one-way return sent while silos stop can be dropped, and nothing here would send it again.
    /// Tried <see cref="DeactivationReturnAttempts"/> times (the tenant may itself be moving); after that the
    /// units count as spent, the safe direction.
    /// </summary>
    private async Task ReturnShareOnDeactivationAsync(CancellationToken cancellationToken)
    {
        if (TakeShare() is not { } unused)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Tenant().ReturnLeaseAcknowledgedAsync(unused.Tokens, unused.TenantStamp).WaitAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < DeactivationReturnAttempts && !cancellationToken.IsCancellationRequested)
            {
                LogShareReturnRetried(logger, this.GetPrimaryKeyString(), attempt, ex.GetType().Name);
            }
            catch (Exception ex)
            {
                LogShareReturnFailed(logger, this.GetPrimaryKeyString(), unused.Tokens, ex.GetType().Name);
                return;
            }
        }
    }

    /// <summary>Drops the share and answers what it did not use, for the tenant (none when there was nothing).</summary>
    private LeaseReturn? TakeShare()
    {
        var share = _share;
        _share = null;
        return share is { Tokens: > 0 } ? new LeaseReturn(share.Tokens, LeaseStamp.None, share.Stamp) : null;
    }

    private void ArmShareTimer(TimeSpan validFor)
    {
        var due = validFor > TimeSpan.Zero ? validFor : TimeSpan.FromMilliseconds(1);
        if (_shareTimer is null)
        {
            _shareTimer = this.RegisterGrainTimer(_ => ReturnExpiredShare(), due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _shareTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private Task ReturnExpiredShare()
    {
        if (_share is { } share && share.ExpiresAt <= time.GetTimestamp())
        {
            ReturnShare();
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 803, Level = LogLevel.Debug, Message = "Returning the tenant share of key {KeyId} on deactivation failed (attempt {Attempt}, {Error}); trying again")]
    private static partial void LogShareReturnRetried(ILogger logger, string keyId, int attempt, string error);

    [LoggerMessage(EventId = 804, Level = LogLevel.Warning, Message = "Returning the tenant share of key {KeyId} on deactivation failed ({Tokens} units, {Error}); they count as spent")]
    private static partial void LogShareReturnFailed(ILogger logger, string keyId, long tokens, string error);

    [LoggerMessage(EventId = 802, Level = LogLevel.Debug, Message = "Renewing the tenant share of key {KeyId} failed ({Error}); its next request asks the tenant")]
    private static partial void LogShareRenewalFailed(ILogger logger, string keyId, string error);

    /// <summary>A slice of the tenant's limits this grain admits from; what the tenant said when it granted it.</summary>
    private sealed class TenantShare(long tokens, long expiresAt, LeaseStamp stamp, AdmissionResult granted)
    {
        public long Tokens { get; set; } = tokens;

        public long ExpiresAt { get; } = expiresAt;

        public LeaseStamp Stamp { get; } = stamp;

        /// <summary>
        /// The tenant's answer at the grant with its remaining count raised by what of the share is unused (the
        /// count there includes the whole share), as a front end reports its slices.
        /// </summary>
        public AdmissionResult Admitted()
        {
            var decision = granted.Decision;
            return decision.IsUnlimited
                ? granted
                : granted with { Decision = decision with { Remaining = Math.Min(decision.Limit, decision.Remaining + Tokens) } };
        }
    }
}
