using Silo.Grains.Hosting;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Silo.Api.Errors;
using Silo.Api.Hosting;
using Silo.Api.Telemetry;
using Silo.Grains.Admission;
using Silo.Grains.Keys;

namespace Silo.Api.Leases;

/// <summary>
/// This front end's admission leases, one <see cref="KeyLease"/> per key it sees. A request is admitted (or
/// refused) here from what its key's grain leased to this front end; when that is not enough, the grain is asked
/// as before: by <see cref="IApiKeyGrain.AdmitAsync"/> for a key seen less than
/// <see cref="LeaseOptions.MinimumRate"/> times a second, by <see cref="IApiKeyGrain.LeaseAsync"/> (the request
/// plus a slice) for a busier one. A slice running low is renewed in the background, so a busy key's requests
/// rarely wait on a grain. The table is the grains' <see cref="ILeaseHolder"/>: a key grain tells it when the
/// key changed, and it forgets that key and answers with what it did not use. Unused units of expired slices
/// go back to the grains, from <see cref="LeaseSweeper"/>, off the request path.
/// </summary>
internal sealed partial class LeaseTable : ILeaseHolder
{
    private readonly ConcurrentDictionary<string, KeyLease> _keys = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly LeaseOptions _options;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<LeaseTable> _logger;
    private readonly IClusterReadiness _cluster;
    private readonly Lazy<ILeaseHolder> _self;

    // A renewal's deadline, counted here to the millisecond (Orleans checks its own once a second): requests
    // waiting on a renewal sent to a frozen silo are answered, and ask again, that much sooner.
    private readonly TimeSpan _callTimeout;

    public LeaseTable(
        IGrainFactory grains,
        IClusterReadiness cluster,
        IOptions<LeaseOptions> options,
        IOptions<GrainCallOptions> calls,
        GatewayMetrics metrics,
        TimeProvider time,
        ILogger<LeaseTable> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calls);
        _callTimeout = calls.Value.CallTimeout;
        _grains = grains;
        _cluster = cluster;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;

        // The reference the grains call back; made once, on the first lease request (the cluster is up by then).
        _self = new Lazy<ILeaseHolder>(() => _grains.CreateObjectReference<ILeaseHolder>(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// How long before its slices end a busy key's lease is renewed, at most (a quarter of the lease when that
    /// is shorter). The value is 250 ms.
    /// </summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromMilliseconds(250);

    public bool Enabled => _options.Enabled;

    /// <summary>How many keys are tracked (tests).</summary>
    internal int Count => _keys.Count;

    /// <summary>
    /// Admits a request of <paramref name="keyId"/> here if its lease allows, else through
    /// <paramref name="ask"/> (a grain call with the caller's retries around it).
    /// </summary>
    public async Task<AdmissionResult> AdmitAsync(
        string keyId, IApiKeyGrain grain, byte[] secretHash, long cost, string? service, Func<Func<Task<AdmissionResult>>, Task<AdmissionResult>> ask)
    {
        var lease = Enabled ? Lease(keyId) : null;
        if (lease is null)
        {
            return await ask(() => AdmitPerRequestAsync(grain, secretHash, cost, service)).ConfigureAwait(false);
        }

        var now = _time.GetTimestamp();
        var local = lease.TryAdmit(secretHash, cost, service, now, _time.GetUtcNow());
        if (local is null && lease.PendingRenewal is { } pending)
        {
            // A renewal is on its way: wait for it rather than make a grain call of our own.
            var timedOut = await pending.ConfigureAwait(false);
            now = _time.GetTimestamp();
            local = lease.TryAdmit(secretHash, cost, service, now, _time.GetUtcNow(), count: false);
            if (local is null && timedOut)
            {
                // The grain did not answer it within a call timeout: a call of our own would wait as long again.
                throw new TimeoutException($"The grain of key {keyId} did not answer its lease renewal in time.");
            }
        }

        if (local is not null)
        {
            _metrics.LocalAdmission(local);
            if (local.IsAllowed)
            {
                RenewIfLow(keyId, grain, lease, secretHash, service, now);
            }

            return local;
        }

        var wanted = Wanted(lease, now);
        if (wanted == 0)
        {
            return await ask(() => AdmitPerRequestAsync(grain, secretHash, cost, service)).ConfigureAwait(false);
        }

        return await ask(async () =>
        {
            _metrics.AdmissionGrainCall("lease");
            var generation = lease.Generation;
            var sentAt = _time.GetTimestamp();
            return Apply(keyId, lease, await grain.LeaseAsync(Request(secretHash, cost, service, wanted)).ConfigureAwait(false), sentAt, generation);
        }).ConfigureAwait(false);
    }

    /// <summary>One attempt at admitting a request by its key's grain, as without leases.</summary>
    private Task<AdmissionResult> AdmitPerRequestAsync(IApiKeyGrain grain, byte[] secretHash, long cost, string? service)
    {
        _metrics.AdmissionGrainCall("admit");
        return grain.AdmitAsync(new AdmissionRequest(secretHash, cost, service));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<LeaseReturn>> LeasesEndedAsync(string keyId) => Answer(keyId, "ended", lease => lease.End());

    /// <inheritdoc/>
    public Task<IReadOnlyList<LeaseReturn>> GiveBackAsync(string keyId) => Answer(keyId, "given-back", lease => lease.GiveBack(_time.GetTimestamp()));

    /// <summary>Answers a key grain with what <paramref name="take"/> took out of the key's lease here, counted as <paramref name="leaseEvent"/>.</summary>
    private Task<IReadOnlyList<LeaseReturn>> Answer(string keyId, string leaseEvent, Func<KeyLease, List<LeaseReturn>> take)
    {
        if (!_keys.TryGetValue(keyId, out var lease))
        {
            return Task.FromResult<IReadOnlyList<LeaseReturn>>([]);
        }

        var unused = take(lease);
        _metrics.LeaseEvent(leaseEvent);
        foreach (var returned in unused)
        {
            _metrics.LeaseReturned(returned.Tokens);
        }

        return Task.FromResult<IReadOnlyList<LeaseReturn>>(unused);
    }

    /// <summary>Gives back the unused units of expired slices (all slices when <paramref name="all"/>) and forgets idle keys.</summary>
    public void Sweep(bool all)
    {
        var now = _time.GetTimestamp();
        var idleSince = now - (30 * _time.TimestampFrequency);
        foreach (var (keyId, lease) in _keys)
        {
            foreach (var unused in lease.TakeUnused(now, all))
            {
                _metrics.LeaseReturned(unused.Tokens);
                _ = ReturnAsync(keyId, unused);
            }

            if (lease.IsIdle(idleSince))
            {
                _keys.TryRemove(new KeyValuePair<string, KeyLease>(keyId, lease));
            }
        }
    }

    /// <summary>
    /// Gives back <paramref name="unused"/>, and again after a pause when the silo holding the key refused it (it
    /// was stopping: the key's next activation credits it). A call, not a one-way message: a stopping silo drops
    /// one-way messages without a word, which made a rolling restart count a slice's unused units as spent.
    /// </summary>
    private async Task ReturnAsync(string keyId, LeaseReturn unused)
    {
        var grain = _grains.GetGrain<IApiKeyGrain>(keyId);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await grain.ReturnLeaseAsync(unused).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < GrainFailures.RetryPauses.Length && GrainFailures.IsRetryable(ex))
            {
                // Orleans refuses a call it did not deliver. (A silo that crashed after crediting it, and
                // checkpointed the credit before its answer left, would have it credited twice: not seen.)
                await Task.Delay(GrainFailures.RetryPauses[attempt], _time).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Not given back (timed out, or refused every time): the units stay counted as spent, which errs
                // towards admitting less.
                _metrics.LeaseReturnLost(unused.Tokens);
                LogReturnFailed(_logger, keyId, ex.GetType().Name);
                return;
            }
        }
    }

    private KeyLease? Lease(string keyId)
    {
        if (_keys.TryGetValue(keyId, out var lease))
        {
            return lease;
        }

        return _keys.Count >= _options.MaxKeys ? null : _keys.GetOrAdd(keyId, _ => new KeyLease(_time.TimestampFrequency));
    }

    /// <summary>Units to ask for beyond the request's cost: 0 while the key is not busy enough to lease.</summary>
    private long Wanted(KeyLease lease, long now)
    {
        var rate = lease.Rate(now);
        if (rate < _options.MinimumRate)
        {
            return 0;
        }

        return Math.Max(LeaseSizing.MinimumSlice, (long)Math.Ceiling(rate * _options.Duration.TotalSeconds * _options.SliceLeaseDurations));
    }

    private LeaseRequest Request(byte[] secretHash, long cost, string? service, long tokens) =>
        new(secretHash, cost, service, tokens, _options.Duration, _self.Value);

    private AdmissionResult Apply(string keyId, KeyLease lease, AdmissionLease answer, long sentAt, int generation)
    {
        if (answer.Tokens > 0)
        {
            _metrics.LeaseGranted(answer.Tokens);
        }

        var result = lease.Apply(answer, sentAt, generation, out var givenBack);
        if (givenBack is not null)
        {
            // Granted after the grain asked for this key's units back, or after the lease ended: they go back too.
            _metrics.LeaseReturned(givenBack.Tokens);
            _ = ReturnAsync(keyId, givenBack);
        }

        return result;
    }

    /// <summary>
    /// Starts a background renewal when what is left would last less than one lease at the key's rate, or every
    /// slice ends within <see cref="RenewalMargin"/> (ample for a grain call's round trip, and most of each
    /// slice's time is used before it ends). The renewal admits nothing itself (cost 0).
    /// </summary>
    private void RenewIfLow(string keyId, IApiKeyGrain grain, KeyLease lease, byte[] secretHash, string? service, long now)
    {
        if (lease.PendingRenewal is not null)
        {
            return;
        }

        var wanted = Wanted(lease, now);
        var margin = (long)(Math.Min(_options.Duration.TotalSeconds / 4, RenewalMargin.TotalSeconds) * _time.TimestampFrequency);
        if (wanted == 0 || (lease.TokensLeft(now) * 2 >= wanted && lease.HasSliceBeyond(now, margin)))
        {
            return;
        }

        lease.BeginRenewal(() => RenewAsync(keyId, grain, lease, secretHash, service, wanted));
    }

    /// <summary>
    /// Renews in the background; true when the grain did not answer in time while the cluster did not change
    /// (requests waiting on it then answer 503 rather than wait as long again). A renewal that timed out while the
    /// cluster changed was likely lost with a silo that stopped: the waiting requests ask the grain themselves.
    /// </summary>
    private async Task<bool> RenewAsync(string keyId, IApiKeyGrain grain, KeyLease lease, byte[] secretHash, string? service, long wanted)
    {
        await Task.Yield();
        var changes = _cluster.Changes;
        try
        {
            _metrics.AdmissionGrainCall("renew");
            var generation = lease.Generation;
            var sentAt = _time.GetTimestamp();
            var answer = await grain.LeaseAsync(Request(secretHash, 0, service, wanted)).WaitAsync(_callTimeout, _time).ConfigureAwait(false);
            Apply(keyId, lease, answer, sentAt, generation);
            _metrics.LeaseEvent("renewed");
            return false;
        }
        catch (Exception ex)
        {
            // The next request that finds no room asks the grain itself; those that waited on this one answer
            // 503 if it timed out.
            LogRenewFailed(_logger, keyId, ex.GetType().Name);
            return ex is TimeoutException && _cluster.Changes == changes;
        }
    }

    [LoggerMessage(EventId = 810, Level = LogLevel.Debug, Message = "Renewing the lease of key {KeyId} failed ({Error}); requests will ask its grain")]
    private static partial void LogRenewFailed(ILogger logger, string keyId, string error);

    [LoggerMessage(EventId = 811, Level = LogLevel.Debug, Message = "Giving back unused units of key {KeyId} failed ({Error}); they count as spent")]
    private static partial void LogReturnFailed(ILogger logger, string keyId, string error);
}
