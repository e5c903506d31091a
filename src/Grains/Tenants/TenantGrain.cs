using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tenants;

/// <summary>Owns one tenant: its limits (counted in memory) and its definition (written through).</summary>
public sealed class TenantGrain(
    [PersistentState("tenant")] IPersistentState<TenantState> state,
    TimeProvider time) : Grain, ITenantGrain
{
    private LimitSet _limits = new([], time);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            _limits = new LimitSet(state.State.Limits, time);
        }

        return Task.CompletedTask;
    }

    public async Task<bool> CreateAsync(TenantDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (state.RecordExists)
        {
            return false;
        }

        state.State = new TenantState
        {
            Name = definition.Name,
            Status = TenantStatus.Active,
            Limits = [.. definition.Limits],
            CreatedAt = time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        _limits = new LimitSet(state.State.Limits, time);
        return true;
    }

    public async Task<TenantInfo?> GetAsync()
    {
        // Admin reads go to storage: during a membership change another activation of this tenant may
        // briefly have written newer state (its writes and ours are ETag-checked, reads are not).
        await state.ReadStateAsync();
        if (!state.RecordExists)
        {
            return null;
        }

        var s = state.State;
        var now = time.GetTimestamp();
        var usage = s.Limits.Select((_, i) => _limits.Usage(i, now)).ToArray();
        return new TenantInfo(GetPrimaryKeyString(), s.Name, s.Status, s.Limits, s.CreatedAt, s.KeyIds, usage);
    }

    public async Task<CreateKeyStatus> CreateKeyAsync(string keyId, ApiKeyDefinition definition, byte[] secretHash)
    {
        if (!state.RecordExists)
        {
            return CreateKeyStatus.TenantNotFound;
        }

        var key = GrainFactory.GetGrain<IApiKeyGrain>(keyId);
        if (!await key.InitializeAsync(GetPrimaryKeyString(), definition, secretHash))
        {
            return CreateKeyStatus.KeyIdTaken;
        }

        state.State.KeyIds = [.. state.State.KeyIds, keyId];
        await state.WriteStateAsync();
        return CreateKeyStatus.Created;
    }

    public Task<AdmissionResult> AcquireAsync(long cost)
    {
        var tenantId = GetPrimaryKeyString();
        if (!state.RecordExists)
        {
            // A key whose tenant is gone is not usable.
            return Task.FromResult(AdmissionResult.Invalid);
        }

        if (state.State.Status == TenantStatus.Suspended)
        {
            return Task.FromResult(AdmissionResult.Refused(AdmissionStatus.TenantSuspended, tenantId));
        }

        if (_limits.IsEmpty)
        {
            return Task.FromResult(new AdmissionResult(AdmissionStatus.Allowed, tenantId, LimitDecision.Unlimited, _limits.Policies));
        }

        if (cost > _limits.MaxCost)
        {
            return Task.FromResult(AdmissionResult.Refused(AdmissionStatus.CostTooHigh, tenantId));
        }

        var decision = _limits.TryAcquire(cost, time.GetTimestamp());
        return Task.FromResult(new AdmissionResult(
            decision.Allowed ? AdmissionStatus.Allowed : AdmissionStatus.Limited, tenantId, decision, _limits.Policies));
    }
}
