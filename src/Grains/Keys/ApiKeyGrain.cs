using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Silo.Grains.Admission;
using Silo.Grains.Quotas;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;

namespace Silo.Grains.Keys;

/// <summary>
/// Owns one key. Its short-window counters live in memory only; day, month and other long windows are
/// checkpointed (see <see cref="QuotaOptions"/>); its definition is written through when it changes.
/// Admission runs as one turn, so two requests of one key never race.
/// </summary>
[RandomPlacement]
public sealed partial class ApiKeyGrain(
    [PersistentState("key")] IPersistentState<ApiKeyState> state,
    [PersistentState("usage")] IPersistentState<QuotaUsageState> usage,
    TimeProvider time,
    IOptions<QuotaOptions> quotaOptions,
    LimitMetrics metrics,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain
{
    // Built in OnActivateAsync, which Orleans runs before any call; a conflicting checkpoint ends the activation.
    private GrainLimits _limits = null!;
    private ITenantGrain? _tenant;

    // The key's and its tenant's policies, combined once per change of the tenant's list rather than per
    // request. Compared by content: a call from another silo brings a new copy of the same list every time.
    private IReadOnlyList<LimitPolicy>? _tenantPolicies;
    private IReadOnlyList<LimitPolicy> _combinedPolicies = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _limits = new GrainLimits(usage, time, metrics, logger, "key", DeactivateOnIdle);
        if (state.RecordExists)
        {
            _limits.Load(state.State.Limits, this.GetPrimaryKeyString(), state.State.TenantId, fromStorage: true);
            EnsureCheckpointTimer();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Gives the tenant back what its share did not use and writes the counts, handing this activation's
    /// leases over to the next one: holders keep admitting from their slices, and what they give back later is
    /// credited there.
    /// </summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        Task.WhenAll(
            ReturnShareOnDeactivationAsync(cancellationToken),
            _limits.FlushOnDeactivationAsync(this.GetPrimaryKeyString()));

    /// <summary>Durable limits are written by a timer, started once the grain has any.</summary>
    private void EnsureCheckpointTimer() =>
        _limits.EnsureCheckpointTimer(this, quotaOptions.Value.CheckpointInterval, this.GetPrimaryKeyString());

    public async Task<bool> InitializeAsync(string tenantId, ApiKeyDefinition definition, byte[] secretHash)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (state.RecordExists)
        {
            return false;
        }

        state.State = new ApiKeyState
        {
            TenantId = tenantId,
            Name = definition.Name,
            SecretHash = secretHash,
            Status = ApiKeyStatus.Active,
            Limits = [.. definition.Limits],
            Scopes = [.. definition.Scopes],
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = definition.ExpiresAt,
        };
        await state.WriteStateAsync();
        _limits.Load(state.State.Limits, this.GetPrimaryKeyString(), tenantId, fromStorage: false);
        EnsureCheckpointTimer();
        _tenantPolicies = null;
        return true;
    }

    public Task<ApiKeyInfo?> GetAsync()
    {
        if (!state.RecordExists)
        {
            return Task.FromResult<ApiKeyInfo?>(null);
        }

        var s = state.State;
        var current = s.Limits.Select((_, i) => _limits.Usage(i)).ToArray();
        return Task.FromResult<ApiKeyInfo?>(new ApiKeyInfo(
            this.GetPrimaryKeyString(), s.TenantId, s.Name, s.Status, s.Limits, s.Scopes, s.CreatedAt, s.ExpiresAt, current));
    }

    public Task<ApiKeyInfo?> GetState() => GetAsync();

    public async Task<AdmissionResult> AdmitAsync(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(request.SecretHash, request.Cost, request.Service) is { } refusal)
        {
            return refusal;
        }

        var s = state.State;
        var keyDecision = _limits.TryAcquire(request.Cost);
        if (!keyDecision.Allowed && await ReclaimAsync(except: null))
        {
            keyDecision = _limits.TryAcquire(request.Cost);
        }

        if (!keyDecision.Allowed)
        {
            return new AdmissionResult(AdmissionStatus.Limited, s.TenantId, keyDecision, _limits.Set.Policies, AdmissionLevel.Key);
        }

        var keyShadowLimited = _limits.ShadowLimited;
        var tenant = await FromTenantAsync(request.Cost);
        if (tenant.Status != AdmissionStatus.Allowed)
        {
            // The tenant refused: give back what this key reserved, so the rejection costs nothing.
            _limits.Refund(request.Cost);
            return tenant with { Policies = CombinedPolicies(tenant.Policies) };
        }

        return new AdmissionResult(
            AdmissionStatus.Allowed,
            s.TenantId,
            LimitDecision.Tighter(keyDecision, tenant.Decision),
            CombinedPolicies(tenant.Policies),
            ShadowLimited: keyShadowLimited || tenant.ShadowLimited);
    }

    /// <summary>
    /// Why a request with <paramref name="secretHash"/>, <paramref name="cost"/> and <paramref name="service"/>
    /// cannot be admitted whatever the limits say, or null when it may be.
    /// </summary>
    private AdmissionResult? Refusal(byte[] secretHash, long cost, string? service)
    {
        var s = state.State;

        // Unknown id, wrong secret and revoked key look the same to the caller.
        if (!state.RecordExists || s.Status == ApiKeyStatus.Revoked || !SecretMatches(secretHash, s))
        {
            if (!state.RecordExists)
            {
                // Nothing to keep in memory for an id that does not exist.
                DeactivateOnIdle();
            }

            return AdmissionResult.Invalid;
        }

        if (s.ExpiresAt is { } expiresAt && time.GetUtcNow() >= expiresAt)
        {
            return AdmissionResult.Refused(AdmissionStatus.Expired, s.TenantId);
        }

        if (service is not null && s.Scopes.Count > 0 && !s.Scopes.Contains(service, StringComparer.Ordinal))
        {
            return AdmissionResult.Refused(AdmissionStatus.OutOfScope, s.TenantId);
        }

        return cost > _limits.Set.MaxCost ? AdmissionResult.Refused(AdmissionStatus.CostTooHigh, s.TenantId) : null;
    }

    public async Task<RotationStatus> RotateAsync(byte[] newSecretHash, TimeSpan gracePeriod)
    {
        if (!state.RecordExists || state.State.Status == ApiKeyStatus.Revoked)
        {
            return RotationStatus.NotFound;
        }

        var s = state.State;
        var now = time.GetUtcNow();
        var graced = s.GracedSecrets.Where(g => g.ValidUntil > now).ToList();
        if (gracePeriod > TimeSpan.Zero)
        {
            if (graced.Count >= IApiKeyGrain.MaxGracedSecrets)
            {
                return RotationStatus.TooManyPending;
            }

            graced.Add(new GracedSecret(s.SecretHash, now + gracePeriod));
        }

        s.GracedSecrets = graced;
        s.SecretHash = newSecretHash;
        await state.WriteStateAsync();
        await EndLeasesAsync(this.GetPrimaryKeyString());
        await Tenant().RecordAuditAsync(new AuditEvent(now, "key.rotated", this.GetPrimaryKeyString(), $"grace period {gracePeriod.TotalSeconds:F0} s"));
        return RotationStatus.Rotated;
    }

    public async Task<bool> UpdateAsync(ApiKeyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!state.RecordExists || state.State.Status == ApiKeyStatus.Revoked)
        {
            return false;
        }

        var s = state.State;
        if (string.Equals(s.Name, definition.Name, StringComparison.Ordinal) && s.Limits.SequenceEqual(definition.Limits) &&
            s.Scopes.SequenceEqual(definition.Scopes, StringComparer.Ordinal) && s.ExpiresAt == definition.ExpiresAt)
        {
            return true;
        }

        s.Name = definition.Name;
        s.Limits = [.. definition.Limits];
        s.Scopes = [.. definition.Scopes];
        s.ExpiresAt = definition.ExpiresAt;
        await state.WriteStateAsync();

        // The holders give back what they did not use before the counts move to the new limits.
        await EndLeasesAsync(this.GetPrimaryKeyString());
        _limits.Load(s.Limits, this.GetPrimaryKeyString(), s.TenantId, fromStorage: false);
        EnsureCheckpointTimer();
        await Tenant().RecordAuditAsync(new AuditEvent(time.GetUtcNow(), "key.updated", this.GetPrimaryKeyString(), string.Join(", ", s.Limits.Select(l => l.Name))));
        return true;
    }

    public async Task<bool> RevokeAsync()
    {
        if (!state.RecordExists)
        {
            return false;
        }

        if (state.State.Status != ApiKeyStatus.Revoked)
        {
            state.State.Status = ApiKeyStatus.Revoked;
            state.State.GracedSecrets = [];
            await state.WriteStateAsync();
            await EndLeasesAsync(this.GetPrimaryKeyString());
            await Tenant().RecordAuditAsync(new AuditEvent(time.GetUtcNow(), "key.revoked", this.GetPrimaryKeyString(), null));
        }

        return true;
    }

    public async Task<LimitResetStatus> ResetLimitAsync(string limitName)
    {
        ArgumentNullException.ThrowIfNull(limitName);
        if (!state.RecordExists)
        {
            return LimitResetStatus.KeyNotFound;
        }

        // The holders give back what they did not use before the count starts afresh, not into the fresh count.
        await EndLeasesAsync(this.GetPrimaryKeyString());
        if (!await _limits.ResetAsync(limitName, this.GetPrimaryKeyString()))
        {
            return LimitResetStatus.LimitNotFound;
        }

        await Tenant().RecordAuditAsync(new AuditEvent(time.GetUtcNow(), "key.limit-reset", this.GetPrimaryKeyString(), limitName));
        return LimitResetStatus.Reset;
    }

    private bool SecretMatches(byte[] presented, ApiKeyState s)
    {
        if (CryptographicOperations.FixedTimeEquals(presented, s.SecretHash))
        {
            return true;
        }

        if (s.GracedSecrets.Count == 0)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var matched = false;
        foreach (var graced in s.GracedSecrets)
        {
            // Every graced secret is compared, so the time taken does not tell which one matched.
            matched |= now < graced.ValidUntil && CryptographicOperations.FixedTimeEquals(presented, graced.Hash);
        }

        return matched;
    }

    private ITenantGrain Tenant() => _tenant ??= GrainFactory.GetGrain<ITenantGrain>(state.State.TenantId);

    private IReadOnlyList<LimitPolicy> CombinedPolicies(IReadOnlyList<LimitPolicy> tenant)
    {
        if (_tenantPolicies is null || !tenant.SequenceEqual(_tenantPolicies))
        {
            var key = _limits.Set.Policies;
            _combinedPolicies = tenant.Count == 0 ? key : key.Count == 0 ? tenant : [.. key, .. tenant];
            _tenantPolicies = tenant;
        }

        return _combinedPolicies;
    }
}
