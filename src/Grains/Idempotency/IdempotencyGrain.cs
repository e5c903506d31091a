using Orleans.Placement;
namespace Silo.Grains.Idempotency;

/// <summary>
/// Keeps one Idempotency-Key's record <b>in memory only</b>: no storage write per request. The price is that
/// a record is forgotten when its activation goes away (a silo crash or shutdown, ownership moving, or idle
/// collection after <c>Runtime:CollectionAge</c>, 15 minutes by default); a repeat after that is forwarded
/// again. Records expire <see cref="IdempotencyKeys.Retention"/> after the first request, checked on access.
/// </summary>
[RandomPlacement]
public sealed class IdempotencyGrain(TimeProvider time) : Grain, IIdempotencyGrain
{
    private string? _fingerprint;
    private Guid _lease;
    private DateTimeOffset _leaseExpiresAt;
    private DateTimeOffset _expiresAt;
    private bool _finished;
    private RecordedResponse? _response;

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
            _response = null;
            return Task.FromResult(new IdempotencyClaim(IdempotencyClaimStatus.Acquired, _lease, null));
        }

        var status = !string.Equals(_fingerprint, fingerprint, StringComparison.Ordinal) ? IdempotencyClaimStatus.Mismatch
            : !_finished ? IdempotencyClaimStatus.InFlight
            : _response is null ? IdempotencyClaimStatus.NotRecorded
            : IdempotencyClaimStatus.Replay;
        return Task.FromResult(new IdempotencyClaim(status, Guid.Empty, status == IdempotencyClaimStatus.Replay ? _response : null));
    }

    public Task CompleteAsync(Guid lease, RecordedResponse? response)
    {
        if (!_finished && _fingerprint is not null && lease == _lease)
        {
            _finished = true;
            _response = response;
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

    private void Forget()
    {
        _fingerprint = null;
        _lease = Guid.Empty;
        _finished = false;
        _response = null;
    }
}
