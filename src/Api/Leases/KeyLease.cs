using System.Security.Cryptography;
using Silo.Grains.Admission;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Leases;

/// <summary>
/// What this front end holds of one key: how often it sees the key, the slices its grain leased to it, and a
/// refusal the grain said stands for a while. Requests of the key are admitted here, with no grain call, while a
/// slice has room (or refused while the refusal stands), after the same checks the grain makes: the secret's
/// SHA-256 compared in constant time with the current secret and each graced one, the key's expiry, its scopes.
/// Times are timestamps of the front end's <see cref="TimeProvider"/>; a slice expires counting from when its
/// request was sent, so it never outlives what the grain granted. Thread-safe: one lock per key, held briefly.
/// </summary>
internal sealed class KeyLease(long frequency)
{
    private readonly Lock _gate = new();
    private readonly List<Slice> _slices = [];

    // Requests of the key this front end sees.
    private readonly RecentRate _seen = new(frequency);

    private LeasedKey? _key;
    private LimitDecision _decision = LimitDecision.Unlimited;
    private IReadOnlyList<LimitPolicy> _policies = [];
    private bool _shadowLimited;
    private AdmissionResult? _refusal;
    private long _refusedUntil;
    private int _generation;

    // When this front end last gave its slices back: a slice asked for before then and granted after goes back too.
    private long _gaveBackAt = long.MinValue;

    private Task<bool>? _renewal;

    /// <summary>The renewal in flight, if any (one at a time per key); true when the grain did not answer it in time.</summary>
    public Task<bool>? PendingRenewal
    {
        get
        {
            lock (_gate)
            {
                return _renewal is { IsCompleted: false } renewal ? renewal : null;
            }
        }
    }

    /// <summary>Starts <paramref name="renew"/> unless a renewal is in flight; it must not run inline (it yields first).</summary>
    public void BeginRenewal(Func<Task<bool>> renew)
    {
        ArgumentNullException.ThrowIfNull(renew);
        lock (_gate)
        {
            if (_renewal is not { IsCompleted: false })
            {
                _renewal = renew();
            }
        }
    }

    /// <summary>When a request of this key was last seen.</summary>
    public long LastSeen { get; private set; }

    /// <summary>Counts ends of leases: a grant answered after an end it did not see is dropped.</summary>
    public int Generation
    {
        get
        {
            lock (_gate)
            {
                return _generation;
            }
        }
    }

    /// <summary>Requests a second this front end sees of the key (the busier of this second and the last).</summary>
    public long Rate(long now)
    {
        lock (_gate)
        {
            return _seen.PerSecond(now);
        }
    }

    /// <summary>Units left in the slices still valid at <paramref name="now"/>.</summary>
    public long TokensLeft(long now)
    {
        lock (_gate)
        {
            return Left(now);
        }
    }

    /// <summary>
    /// Counts the request and decides it here if this front end may: admitted from a slice, or refused by the
    /// key's expiry, scopes or a standing refusal. Null when the key's grain must be asked.
    /// </summary>
    /// <remarks><paramref name="count"/> is false when the same request asks again (after waiting for a renewal).</remarks>
    public AdmissionResult? TryAdmit(byte[] secretHash, long cost, string? service, long now, DateTimeOffset utcNow, bool count = true)
    {
        lock (_gate)
        {
            if (count)
            {
                _seen.Add(1, now);
                LastSeen = now;
            }

            var refused = now < _refusedUntil;
            if (_key is not { } key || (!refused && Left(now) == 0) || !Matches(key, secretHash, utcNow))
            {
                return null;
            }

            if (key.ExpiresAt is { } expiresAt && utcNow >= expiresAt)
            {
                return AdmissionResult.Refused(AdmissionStatus.Expired, key.TenantId);
            }

            if (service is not null && key.Scopes.Count > 0 && !key.Scopes.Contains(service, StringComparer.Ordinal))
            {
                return AdmissionResult.Refused(AdmissionStatus.OutOfScope, key.TenantId);
            }

            // Units this front end holds are its own to admit, whatever the grain said of the rest: a refusal may
            // come from the very units parked here.
            if (Take(cost, now))
            {
                return Admitted(key.TenantId, now);
            }

            return refused ? _refusal : null;
        }
    }

    /// <summary>
    /// Takes in what the grain answered to a lease request sent at <paramref name="sentAt"/> when the generation
    /// was <paramref name="generation"/>, and returns the request's own result with the headers' remaining count
    /// including this front end's slices. A slice asked for before the grain last asked for the unused units
    /// back is not kept: it is <paramref name="givenBack"/>, for the grain to credit at once.
    /// </summary>
    public AdmissionResult Apply(AdmissionLease lease, long sentAt, int generation, out LeaseReturn? givenBack)
    {
        ArgumentNullException.ThrowIfNull(lease);
        givenBack = null;
        lock (_gate)
        {
            var result = lease.Result;
            if (generation != _generation)
            {
                // The key changed while this answer travelled: it holds for its own request, not beyond, and a
                // slice it carries goes back (the grains credit it only while their limits are the ones it was
                // cut from): dropped, its units would count as spent until the window ends.
                if (result.IsAllowed && lease.Tokens > 0)
                {
                    givenBack = new LeaseReturn(lease.Tokens, lease.KeyStamp, lease.TenantStamp);
                }

                return result;
            }

            _key = lease.Key;
            if (lease.Key is null)
            {
                _slices.Clear();
                _refusal = null;
                _refusedUntil = 0;
                return result;
            }

            if (result.IsAllowed)
            {
                _decision = result.Decision;
                _policies = result.Policies;
                _shadowLimited = result.ShadowLimited;
                _refusal = null;
                _refusedUntil = 0;
                if (lease.Tokens > 0 && sentAt <= _gaveBackAt)
                {
                    givenBack = new LeaseReturn(lease.Tokens, lease.KeyStamp, lease.TenantStamp);
                }
                else if (lease.Tokens > 0)
                {
                    _slices.Add(new Slice(lease.Tokens, sentAt + Ticks(lease.ValidFor), lease.KeyStamp, lease.TenantStamp));
                    return result with { Decision = WithRemaining(_decision, Left(sentAt)) };
                }
            }
            else if (result.Status == AdmissionStatus.Limited && lease.RefusedFor > TimeSpan.Zero)
            {
                _refusal = result;
                _refusedUntil = sentAt + Ticks(lease.RefusedFor);
            }

            return result;
        }
    }

    /// <summary>
    /// Forgets every slice and refusal (the grain said they ended) and takes out the units of the slices not
    /// used, for the grain to credit.
    /// </summary>
    public List<LeaseReturn> End()
    {
        lock (_gate)
        {
            _refusal = null;
            _refusedUntil = 0;
            return TakeUnused(0, all: true);
        }
    }

    /// <summary>
    /// Takes out the unused units of every slice for the grain (it asked for them before refusing a request of
    /// the key elsewhere), keeping the key's view and any refusal; a slice asked for before
    /// <paramref name="now"/> and granted later is given back when it comes (<see cref="Apply"/>).
    /// </summary>
    public List<LeaseReturn> GiveBack(long now)
    {
        lock (_gate)
        {
            _gaveBackAt = Math.Max(_gaveBackAt, now);
            return TakeSlices(now, all: true);
        }
    }

    /// <summary>
    /// Takes out the unused units of slices that expired by <paramref name="now"/> (all slices when
    /// <paramref name="all"/>, which also ends the lease), for giving back to the grains.
    /// </summary>
    public List<LeaseReturn> TakeUnused(long now, bool all)
    {
        lock (_gate)
        {
            var returns = TakeSlices(now, all);
            if (all)
            {
                _generation++;
                _key = null;
            }

            return returns;
        }
    }

    // Under _gate.
    private List<LeaseReturn> TakeSlices(long now, bool all)
    {
        var returns = new List<LeaseReturn>();
        for (var i = _slices.Count - 1; i >= 0; i--)
        {
            var slice = _slices[i];
            if (all || slice.ExpiresAt <= now)
            {
                if (slice.Tokens > 0)
                {
                    returns.Add(new LeaseReturn(slice.Tokens, slice.KeyStamp, slice.TenantStamp));
                }

                _slices.RemoveAt(i);
            }
        }

        return returns;
    }

    /// <summary>Whether a slice lasts past <paramref name="now"/> plus <paramref name="margin"/>.</summary>
    public bool HasSliceBeyond(long now, long margin)
    {
        lock (_gate)
        {
            return _slices.Exists(s => s.Tokens > 0 && s.ExpiresAt > now + margin);
        }
    }

    /// <summary>Whether nothing is held and the key was not seen since <paramref name="since"/>.</summary>
    public bool IsIdle(long since)
    {
        lock (_gate)
        {
            return LastSeen < since && _slices.Count == 0 && _renewal is not { IsCompleted: false };
        }
    }

    private static bool Matches(LeasedKey key, byte[] presented, DateTimeOffset utcNow)
    {
        var matched = CryptographicOperations.FixedTimeEquals(presented, key.SecretHash);
        foreach (var graced in key.GracedSecrets)
        {
            // Every graced secret is compared, so the time taken does not tell which one matched.
            matched |= utcNow < graced.ValidUntil && CryptographicOperations.FixedTimeEquals(presented, graced.Hash);
        }

        return matched;
    }

    // Oldest slice first: it expires first.
    private bool Take(long cost, long now)
    {
        if (Left(now) < cost)
        {
            return false;
        }

        for (var i = 0; i < _slices.Count && cost > 0; i++)
        {
            var slice = _slices[i];
            if (slice.ExpiresAt <= now)
            {
                continue;
            }

            var taken = Math.Min(cost, slice.Tokens);
            slice.Tokens -= taken;
            cost -= taken;
        }

        return true;
    }

    private AdmissionResult Admitted(string tenantId, long now) =>
        new(AdmissionStatus.Allowed, tenantId, WithRemaining(_decision, Left(now)), _policies, ShadowLimited: _shadowLimited);

    // The grain's count after it reserved the slices, plus what of them this front end has not used yet.
    private static LimitDecision WithRemaining(LimitDecision decision, long left) =>
        decision.IsUnlimited ? decision : decision with { Remaining = Math.Min(decision.Limit, decision.Remaining + left) };

    private long Left(long now)
    {
        long left = 0;
        foreach (var slice in _slices)
        {
            if (slice.ExpiresAt > now)
            {
                left += slice.Tokens;
            }
        }

        return left;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * frequency);

    private sealed class Slice(long tokens, long expiresAt, LeaseStamp keyStamp, LeaseStamp tenantStamp)
    {
        public long Tokens { get; set; } = tokens;

        public long ExpiresAt { get; } = expiresAt;

        public LeaseStamp KeyStamp { get; } = keyStamp;

        public LeaseStamp TenantStamp { get; } = tenantStamp;
    }
}
