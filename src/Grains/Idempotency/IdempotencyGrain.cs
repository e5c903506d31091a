using Orleans.Placement;
namespace Silo.Grains.Idempotency;

/// <summary>
/// Keeps one Idempotency-Key's record <b>in memory only</b>: no storage write per request. The price is that
/// a record is forgotten when its activation goes away (a silo crash or shutdown, ownership moving, or idle
/// collection after <c>Grains:CollectionAge</c>, 15 minutes by default); a repeat after that is forwarded
/// again. Records expire <see cref="IdempotencyKeys.Retention"/> after the first request, checked on access.
/// The recorded response is held in the silo's <see cref="RecordedResponseBudget"/>: when the silo's records
/// outgrow it the oldest are dropped, and a repeat of a dropped one is answered "executed, not recorded" —
/// never executed again.
/// </summary>
[RandomPlacement]
public sealed class IdempotencyGrain(TimeProvider time, RecordedResponseBudget budget) : Grain, IIdempotencyGrain
{
    private string? _fingerprint;
    private Guid _lease;
    private DateTimeOffset _leaseExpiresAt;
    private DateTimeOffset _expiresAt;
    private bool _finished;
    private RecordedSlot? _recorded;

    public Task<IdempotencyClaim> ClaimAsync(string fingerprint, TimeSpan leaseDuration)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var now = time.GetUtcNow();
        if (_fingerprint is not null && now >= _expiresAt)
        {
            Forget();
        }

        if (_fingerprint is null || (!_finished && now >= _leaseExpiresAt))
        {
            // Free, or the front end that held it died mid-request: the key starts over.
            _fingerprint = fingerprint;
            _lease = Guid.NewGuid();
            _leaseExpiresAt = now + leaseDuration;
            _expiresAt = now + IdempotencyKeys.Retention;
            _finished = false;
            return Task.FromResult(new IdempotencyClaim(IdempotencyClaimStatus.Acquired, _lease, null));
        }

        var response = _recorded?.Response;
        var status = !string.Equals(_fingerprint, fingerprint, StringComparison.Ordinal) ? IdempotencyClaimStatus.Mismatch
            : !_finished ? IdempotencyClaimStatus.InFlight
            : response is null ? IdempotencyClaimStatus.NotRecorded
            : IdempotencyClaimStatus.Replay;
        return Task.FromResult(new IdempotencyClaim(status, Guid.Empty, status == IdempotencyClaimStatus.Replay ? response : null));
    }

    public Task CompleteAsync(Guid lease, RecordedResponse? response)
    {
        if (!_finished && _fingerprint is not null && lease == _lease)
        {
            _finished = true;
            _recorded = response is null ? null : budget.Hold(response);
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(Guid lease)
    {
        if (!_finished && _fingerprint is not null && lease == _lease)
        {
            Forget();
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Forget();
        return Task.CompletedTask;
    }

    private void Forget()
    {
        _fingerprint = null;
        _lease = Guid.Empty;
        _finished = false;
        budget.Release(_recorded);
        _recorded = null;
    }
}
