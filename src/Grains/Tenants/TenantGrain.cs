using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tenants;

/// <summary>Owns one tenant: its limits (counted in memory) and its definition (written through).</summary>
public sealed class TenantGrain(
    [PersistentState("tenant")] IPersistentState<TenantState> state,
    TimeProvider time) : Grain, ITenantGrain
{
    /// <summary>How many audit events a tenant keeps.</summary>
    public const int MaxAuditEvents = 1000;

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
        AppendAudit(new AuditEvent(time.GetUtcNow(), "key.created", keyId, definition.Name));
        await state.WriteStateAsync();
        return CreateKeyStatus.Created;
    }

    public async Task<bool> SetLimitsAsync(IReadOnlyList<LimitDefinition> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (!state.RecordExists)
        {
            return false;
        }

        state.State.Limits = [.. limits];
        AppendAudit(new AuditEvent(time.GetUtcNow(), "tenant.limits-changed", null, string.Join(", ", limits.Select(l => l.Name))));
        await state.WriteStateAsync();
        _limits = new LimitSet(state.State.Limits, time);
        return true;
    }

    public async Task<bool> SetStatusAsync(TenantStatus status)
    {
        if (!state.RecordExists)
        {
            return false;
        }

        if (state.State.Status != status)
        {
            state.State.Status = status;
            AppendAudit(new AuditEvent(time.GetUtcNow(), status == TenantStatus.Suspended ? "tenant.suspended" : "tenant.resumed", null, null));
            await state.WriteStateAsync();
        }

        return true;
    }

    public async Task RecordAuditAsync(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (state.RecordExists)
        {
            AppendAudit(auditEvent);
            await state.WriteStateAsync();
        }
    }

    public async Task<IReadOnlyList<AuditEvent>?> GetAuditAsync()
    {
        await state.ReadStateAsync();
        return state.RecordExists ? [.. state.State.Audit.Reverse()] : null;
    }

    private void AppendAudit(AuditEvent auditEvent)
    {
        var audit = state.State.Audit;
        state.State.Audit = audit.Count < MaxAuditEvents ? [.. audit, auditEvent] : [.. audit.Skip(audit.Count - MaxAuditEvents + 1), auditEvent];
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
