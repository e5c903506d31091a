using Microsoft.Extensions.Logging;
using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tenants;

/// <summary>
/// The tenant's side of admission leases: a key grain that leases to front ends takes its slice of the tenant's
/// limits here, once per slice rather than once per request, so one tenant grain no longer serializes every
/// admission of its keys. Slices are reserved (taken from the counters) when granted. The keys holding a slice
/// or a refusal are remembered until it expires and told to end their leases when the tenant is suspended or
/// its limits change, before that change is answered.
/// </summary>
public sealed partial class TenantGrain
{
    // The key grains holding a slice or a cached refusal of this tenant; made on the first lease request.
    private LeaseHolders<string>? _lessees;

    public Task<TenantLease> LeaseAsync(string keyId, long cost, long tokens, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (Refusal(cost) is { } refusal)
        {
            return Task.FromResult(new TenantLease(refusal, 0, TimeSpan.Zero, TimeSpan.Zero, LeaseStamp.None));
        }

        var tenantId = this.GetPrimaryKeyString();
        var limits = _limits.Set;
        var now = time.GetTimestamp();
        if (duration > ApiKeyGrain.MaxLeaseDuration)
        {
            duration = ApiKeyGrain.MaxLeaseDuration;
        }

        if (limits.IsEmpty)
        {
            // Nothing to count: the key may lease what it asked for. A later limit change still reaches it.
            Remember(keyId, now, duration);
            var unlimited = new AdmissionResult(AdmissionStatus.Allowed, tenantId, LimitDecision.Unlimited, limits.Policies);
            return Task.FromResult(new TenantLease(unlimited, tokens, duration, TimeSpan.Zero, LeaseStamp.None));
        }

        var (decision, slice, stamp) = _limits.TryLease(cost, tokens, Lessees().CountWith(keyId, now));
        if (!decision.Allowed)
        {
            var refusedFor = decision.RetryAfter > duration ? duration : decision.RetryAfter;
            Remember(keyId, now, refusedFor);
            var limited = new AdmissionResult(AdmissionStatus.Limited, tenantId, decision, limits.Policies, AdmissionLevel.Tenant);
            return Task.FromResult(new TenantLease(limited, 0, TimeSpan.Zero, refusedFor, LeaseStamp.None));
        }

        var validFor = slice > 0 ? limits.UsableFor(now, duration) : TimeSpan.Zero;
        if (slice > 0)
        {
            Remember(keyId, now, validFor);
        }

        var admitted = new AdmissionResult(AdmissionStatus.Allowed, tenantId, decision, limits.Policies, ShadowLimited: _limits.ShadowLimited);
        return Task.FromResult(new TenantLease(admitted, slice, validFor, TimeSpan.Zero, slice > 0 ? stamp : LeaseStamp.None));
    }

    public Task ReturnLeaseAsync(long tokens, LeaseStamp stamp)
    {
        ArgumentNullException.ThrowIfNull(stamp);
        _limits.Return(tokens, stamp);
        return Task.CompletedTask;
    }

    public Task ReturnLeaseAcknowledgedAsync(long tokens, LeaseStamp stamp) => ReturnLeaseAsync(tokens, stamp);

    /// <summary>
    /// Tells every key that may still hold a slice or a cached refusal to end its leases, forgets them, and
    /// credits what they and their holders did not use.
    /// </summary>
    private async Task EndLeasesAsync()
    {
        var now = time.GetTimestamp();
        var keys = _lessees?.TakeAll(now) ?? [];
        if (keys.Length == 0)
        {
            return;
        }

        foreach (var returned in (await Task.WhenAll(keys.Select(EndLeasesOfAsync))).SelectMany(r => r))
        {
            _limits.Return(returned.Tokens, returned.TenantStamp);
        }
    }

    private async Task<IReadOnlyList<LeaseReturn>> EndLeasesOfAsync(string keyId)
    {
        try
        {
            return await GrainFactory.GetGrain<IApiKeyGrain>(keyId).EndLeasesAsync();
        }
        catch (Exception ex)
        {
            // The key's grain could not be reached; its holders' slices expire by themselves and count as spent.
            LogLesseeUnreachable(logger, this.GetPrimaryKeyString(), keyId, ex.GetType().Name);
            return [];
        }
    }

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Tenant {TenantId} could not tell key {KeyId} that its leases ended ({Error}); they expire by themselves")]
    private static partial void LogLesseeUnreachable(ILogger logger, string tenantId, string keyId, string error);

    private LeaseHolders<string> Lessees() => _lessees ??= new LeaseHolders<string>(time, StringComparer.Ordinal);

    private void Remember(string keyId, long now, TimeSpan validFor) => Lessees().Remember(keyId, now, validFor);
}
