using Microsoft.Extensions.Logging;
using Silo.Grains.Admission;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Keys;

/// <summary>
/// Admission leases (youtube/doorman's idea): a front end that sees this key often takes a slice of every limit of
/// the key and its tenant and admits from it alone until the slice is spent or expires. Slices are reserved here
/// (taken from the counters when granted), so the sum admitted never exceeds a limit; a slice whose holder dies
/// counts as spent. The holders are remembered until their slices and cached refusals expire, and each is told
/// before a change that narrows what the key may do is answered.
/// </summary>
public sealed partial class ApiKeyGrain
{
    /// <summary>The longest a slice or a cached refusal may last, whatever a holder asks. The value is 10 seconds.</summary>
    public static readonly TimeSpan MaxLeaseDuration = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long telling one holder may take before the change is answered without it; its slices end by
    /// themselves within the lease time. Real time: it bounds an admin call's wait, not a quota.
    /// </summary>
    private static readonly TimeSpan TellTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long asking a holder to give back its unused units may hold a refusal; a holder that does not answer
    /// in time keeps its slice until it expires, and is not asked again for that slice. The value is 1 second (a front end on a busy two-core machine answered a cold call in over 500 ms: 33 of 50 admitted in one CI run).
    /// </summary>
    private static readonly TimeSpan GiveBackTimeout = TimeSpan.FromSeconds(1);

    // The front ends holding a slice or a cached refusal of this key; made on the first lease request.
    private LeaseHolders<ILeaseHolder>? _leaseHolders;

    // Counts every end of leases, so a grant that waited on the tenant while leases ended is not handed out.
    private int _leaseGeneration;

    public async Task<AdmissionLease> LeaseAsync(LeaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(request.SecretHash, request.Cost, request.Service) is { } refusal)
        {
            return AdmissionLease.None(refusal);
        }

        var s = state.State;
        var now = time.GetTimestamp();
        var duration = request.Duration > MaxLeaseDuration ? MaxLeaseDuration : request.Duration;
        var (keyDecision, slice, keyStamp) = _limits.TryLease(request.Cost, request.Tokens, Holders().CountWith(request.Holder, now));
        if (!keyDecision.Allowed && await ReclaimAsync(request.Holder))
        {
            now = time.GetTimestamp();
            (keyDecision, slice, keyStamp) = _limits.TryLease(request.Cost, request.Tokens, Holders().CountWith(request.Holder, now));
        }

        if (!keyDecision.Allowed)
        {
            var refusedFor = Bounded(keyDecision.RetryAfter, duration);
            Remember(request.Holder, now, refusedFor);
            return new AdmissionLease(
                new AdmissionResult(AdmissionStatus.Limited, s.TenantId, keyDecision, _limits.Set.Policies, AdmissionLevel.Key),
                View(s), 0, TimeSpan.Zero, refusedFor, LeaseStamp.None, LeaseStamp.None);
        }

        return await WithTenantAsync(request, new KeyGrant(now, duration, slice, keyStamp, keyDecision, _limits.ShadowLimited));
    }

    /// <summary>What the key's own limits granted, before the tenant is asked for the same.</summary>
    private readonly record struct KeyGrant(long Now, TimeSpan Duration, long Slice, LeaseStamp Stamp, LimitDecision Decision, bool ShadowLimited);

    /// <summary>Takes the request's cost and the key's slice from the tenant too, and hands out what both granted.</summary>
    private async Task<AdmissionLease> WithTenantAsync(LeaseRequest request, KeyGrant key)
    {
        var s = state.State;
        var (now, duration, slice, keyStamp, keyDecision, keyShadowLimited) = key;
        var usableFor = _limits.Set.UsableFor(now, duration);
        var generation = _leaseGeneration;
        TenantLease tenant;
        try
        {
            tenant = await Tenant().LeaseAsync(this.GetPrimaryKeyString(), request.Cost, slice, usableFor);
        }
        catch
        {
            // The tenant could not be asked: nothing was admitted, so nothing stays taken.
            _limits.Return(request.Cost + slice, keyStamp);
            throw;
        }

        if (tenant.Result.Status != AdmissionStatus.Allowed)
        {
            _limits.Return(request.Cost + slice, keyStamp);
            var result = tenant.Result with { Policies = CombinedPolicies(tenant.Result.Policies) };
            if (result.Status != AdmissionStatus.Limited)
            {
                return AdmissionLease.None(result);
            }

            var refusedFor = Bounded(tenant.RefusedFor, duration);
            Remember(request.Holder, now, refusedFor);
            return new AdmissionLease(result, View(s), 0, TimeSpan.Zero, refusedFor, LeaseStamp.None, LeaseStamp.None);
        }

        if (tenant.Tokens < slice)
        {
            _limits.Return(slice - tenant.Tokens, keyStamp);
            slice = tenant.Tokens;
        }

        if (slice > 0 && generation != _leaseGeneration)
        {
            // Leases ended (the tenant changed) while the tenant answered: this slice was granted before the change.
            _limits.Return(slice, keyStamp);
            await Tenant().ReturnLeaseAsync(slice, tenant.Stamp);
            slice = 0;
        }

        var validFor = slice > 0 ? Bounded(tenant.ValidFor, usableFor) : TimeSpan.Zero;
        if (slice > 0)
        {
            Remember(request.Holder, now, validFor, slice: true);
        }

        var admitted = new AdmissionResult(
            AdmissionStatus.Allowed,
            s.TenantId,
            LimitDecision.Tighter(keyDecision, tenant.Result.Decision),
            CombinedPolicies(tenant.Result.Policies),
            ShadowLimited: keyShadowLimited || tenant.Result.ShadowLimited);
        return new AdmissionLease(admitted, View(s), slice, validFor, TimeSpan.Zero, keyStamp, slice > 0 ? tenant.Stamp : LeaseStamp.None);
    }

    public Task ReturnLeaseAsync(LeaseReturn returned) => CreditAsync(returned);

    /// <summary>Credits what a holder did not use of a slice: to the key's counters here, to the tenant's there.</summary>
    private async Task CreditAsync(LeaseReturn returned)
    {
        ArgumentNullException.ThrowIfNull(returned);
        if (returned.Tokens <= 0 || !state.RecordExists)
        {
            return;
        }

        _limits.Return(returned.Tokens, returned.KeyStamp);
        if (returned.TenantStamp.Epoch != Guid.Empty)
        {
            await Tenant().ReturnLeaseAsync(returned.Tokens, returned.TenantStamp);
        }
    }

    /// <summary>
    /// Before a refusal of the key's own limits: asks the holders other than <paramref name="except"/> that were
    /// granted a slice since they were last asked to give back what they have not used, and credits it (the
    /// tenant's part to the tenant), so units parked with a front end that no longer needs them are not refused
    /// to one that does. True when anything came back: the request is then tried again. Each holder is asked at
    /// most once per slice granted to it, so a spent key's refusals cost no call once the slices are back.
    /// </summary>
    private async Task<bool> ReclaimAsync(ILeaseHolder? except)
    {
        var holders = _leaseHolders?.TakeReclaimable(time.GetTimestamp(), except) ?? [];
        if (holders.Length == 0)
        {
            return false;
        }

        var keyId = this.GetPrimaryKeyString();
        var credited = 0L;
        foreach (var unused in (await Task.WhenAll(holders.Select(h => GiveBackAsync(h, keyId)))).SelectMany(r => r))
        {
            await CreditAsync(unused);
            credited += unused.Tokens;
        }

        LogReclaimed(logger, keyId, holders.Length, credited);
        return credited > 0;
    }

    private async Task<IReadOnlyList<LeaseReturn>> GiveBackAsync(ILeaseHolder holder, string keyId)
    {
        try
        {
            return await holder.GiveBackAsync(keyId).WaitAsync(GiveBackTimeout);
        }
        catch (Exception ex)
        {
            // Unreachable or slow: its slice expires by itself and goes back then (or counts as spent).
            LogGiveBackFailed(logger, keyId, ex.GetType().Name);
            return [];
        }
    }

    public Task<IReadOnlyList<LeaseReturn>> EndLeasesAsync() => TellHoldersAsync(this.GetPrimaryKeyString());

    /// <summary>
    /// Ends every lease of the key (<see cref="TellHoldersAsync"/>) and gives the tenant back what the holders
    /// returned of its slices.
    /// </summary>
    private async Task EndLeasesAsync(string keyId)
    {
        foreach (var returned in await TellHoldersAsync(keyId))
        {
            await Tenant().ReturnLeaseAsync(returned.Tokens, returned.TenantStamp);
        }
    }

    /// <summary>
    /// Tells every holder whose slice or cached refusal may still stand that it has ended, and forgets them all;
    /// answers when each was told or <see cref="TellTimeout"/> passed; drops the key's own share of its tenant.
    /// What the holders did not use is credited to the key's counters here; the units of it taken from the
    /// tenant, and the share's, are answered, for the tenant.
    /// </summary>
    private async Task<IReadOnlyList<LeaseReturn>> TellHoldersAsync(string keyId)
    {
        _leaseGeneration++;
        var share = TakeShare();
        var now = time.GetTimestamp();
        var holders = _leaseHolders?.TakeAll(now) ?? [];
        var returned = holders.Length == 0 ? [] : (await Task.WhenAll(holders.Select(h => TellAsync(h, keyId)))).SelectMany(r => r).ToArray();
        foreach (var unused in returned)
        {
            _limits.Return(unused.Tokens, unused.KeyStamp);
        }

        return [.. returned.Where(r => r.TenantStamp.Epoch != Guid.Empty), .. share is null ? [] : new[] { share }];
    }

    private async Task<IReadOnlyList<LeaseReturn>> TellAsync(ILeaseHolder holder, string keyId)
    {
        try
        {
            return await holder.LeasesEndedAsync(keyId).WaitAsync(TellTimeout);
        }
        catch (Exception ex)
        {
            // Unreachable (it died, or its connection did): its slices expire by themselves within the lease time
            // and count as spent.
            LogHolderUnreachable(logger, keyId, ex.GetType().Name);
            return [];
        }
    }

    private LeaseHolders<ILeaseHolder> Holders() => _leaseHolders ??= new LeaseHolders<ILeaseHolder>(time);

    private void Remember(ILeaseHolder holder, long now, TimeSpan validFor, bool slice = false) => Holders().Remember(holder, now, validFor, slice);

    private static TimeSpan Bounded(TimeSpan value, TimeSpan cap) => value < TimeSpan.Zero ? TimeSpan.Zero : value > cap ? cap : value;

    private static LeasedKey View(Keys.ApiKeyState s) => new(s.TenantId, s.SecretHash, s.GracedSecrets, s.ExpiresAt, s.Scopes);

    [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "Lease holder of key {KeyId} could not be told that its leases ended ({Error}); they expire by themselves")]
    private static partial void LogHolderUnreachable(ILogger logger, string keyId, string error);

    [LoggerMessage(EventId = 828, Level = LogLevel.Debug, Message = "Key {KeyId} asked {Holders} lease holders to give back unused units before refusing; {Units} came back")]
    private static partial void LogReclaimed(ILogger logger, string keyId, int holders, long units);

    [LoggerMessage(EventId = 829, Level = LogLevel.Debug, Message = "A lease holder of key {KeyId} did not give back its unused units ({Error}); its slice goes back when it expires")]
    private static partial void LogGiveBackFailed(ILogger logger, string keyId, string error);
}
