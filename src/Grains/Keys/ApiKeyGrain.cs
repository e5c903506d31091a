using System.Security.Cryptography;
using Silo.Grains.Admission;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;

namespace Silo.Grains.Keys;

/// <summary>
/// Owns one key. Its limit counters live in memory (short windows need no durability); its definition is
/// written through when it changes. Admission runs as one turn, so two requests of one key never race.
/// </summary>
public sealed class ApiKeyGrain(
    [PersistentState("key")] IPersistentState<ApiKeyState> state,
    TimeProvider time) : Grain, IApiKeyGrain
{
    private LimitSet _limits = new([], time);
    private ITenantGrain? _tenant;

    // The key's and its tenant's policies, combined once per tenant policy list rather than per request.
    private IReadOnlyList<LimitPolicy>? _tenantPolicies;
    private IReadOnlyList<LimitPolicy> _combinedPolicies = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            _limits = new LimitSet(state.State.Limits, time);
        }

        return Task.CompletedTask;
    }

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
        _limits = new LimitSet(state.State.Limits, time);
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
        var now = time.GetTimestamp();
        var usage = s.Limits.Select((limit, i) => _limits.Usage(i, now)).ToArray();
        return Task.FromResult<ApiKeyInfo?>(new ApiKeyInfo(
            GetPrimaryKeyString(), s.TenantId, s.Name, s.Status, s.Limits, s.Scopes, s.CreatedAt, s.ExpiresAt, usage));
    }

    public async Task<AdmissionResult> AdmitAsync(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var s = state.State;

        // Unknown id, wrong secret and revoked key look the same to the caller.
        if (!state.RecordExists ||
            !CryptographicOperations.FixedTimeEquals(request.SecretHash, s.SecretHash) ||
            s.Status == ApiKeyStatus.Revoked)
        {
            return AdmissionResult.Invalid;
        }

        if (s.ExpiresAt is { } expiresAt && time.GetUtcNow() >= expiresAt)
        {
            return AdmissionResult.Refused(AdmissionStatus.Expired, s.TenantId);
        }

        if (request.Service is { } service && s.Scopes.Count > 0 && !s.Scopes.Contains(service, StringComparer.Ordinal))
        {
            return AdmissionResult.Refused(AdmissionStatus.OutOfScope, s.TenantId);
        }

        if (request.Cost > _limits.MaxCost)
        {
            return AdmissionResult.Refused(AdmissionStatus.CostTooHigh, s.TenantId);
        }

        var keyDecision = _limits.TryAcquire(request.Cost, time.GetTimestamp());
        if (!keyDecision.Allowed)
        {
            return new AdmissionResult(AdmissionStatus.Limited, s.TenantId, keyDecision, _limits.Policies);
        }

        _tenant ??= GrainFactory.GetGrain<ITenantGrain>(s.TenantId);
        var tenant = await _tenant.AcquireAsync(request.Cost);
        if (tenant.Status != AdmissionStatus.Allowed)
        {
            // The tenant refused: give back what this key reserved, so the rejection costs nothing.
            _limits.Refund(request.Cost, time.GetTimestamp());
            return tenant with { Policies = CombinedPolicies(tenant.Policies) };
        }

        return new AdmissionResult(
            AdmissionStatus.Allowed,
            s.TenantId,
            LimitDecision.Tighter(keyDecision, tenant.Decision),
            CombinedPolicies(tenant.Policies));
    }

    private IReadOnlyList<LimitPolicy> CombinedPolicies(IReadOnlyList<LimitPolicy> tenant)
    {
        if (!ReferenceEquals(tenant, _tenantPolicies))
        {
            var key = _limits.Policies;
            _combinedPolicies = tenant.Count == 0 ? key : key.Count == 0 ? tenant : [.. key, .. tenant];
            _tenantPolicies = tenant;
        }

        return _combinedPolicies;
    }
}
