using Silo.Grains.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Silo.Grains.Admission;
using Silo.Grains.Cors;
using Silo.Grains.Keys;
using Silo.Grains.Quotas;
using Silo.Grains.RateLimiting;
using Silo.Grains.Services;

namespace Silo.Grains.Tenants;

/// <summary>
/// Owns one tenant: its limits (short windows counted in memory, long windows checkpointed, see
/// <see cref="QuotaOptions"/>) and its definition (written through).
/// </summary>
[RandomPlacement]
public sealed partial class TenantGrain(
    [PersistentState("tenant")] IPersistentState<TenantState> state,
    [PersistentState("usage")] IPersistentState<QuotaUsageState> usage,
    TimeProvider time,
    IOptions<QuotaOptions> quotaOptions,
    LimitMetrics metrics,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    // Built in OnActivateAsync, which Orleans runs before any call; a conflicting checkpoint ends the activation.
    private GrainLimits _limits = null!;
    private IndexListing? _listing;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _limits = new GrainLimits(usage, time, metrics, logger, "tenant", DeactivateOnIdle);
        if (state.RecordExists)
        {
            _limits.Load(state.State.Limits, this.GetPrimaryKeyString(), this.GetPrimaryKeyString(), fromStorage: true);
            EnsureCheckpointTimer();

            // A tenant stored before the tenant index existed (or whose add was lost) lists itself again.
            await Listing().EnsureAsync();
        }
    }

    private IndexListing Listing() =>
        _listing ??= new IndexListing(this, GrainFactory, IDirectoryGrain.Tenants, this.GetPrimaryKeyString(), logger);

    /// <summary>Writes the counts, handing this activation's leases over to the next one (as a key grain does).</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _limits.FlushOnDeactivationAsync(this.GetPrimaryKeyString());

    /// <summary>Durable limits are written by a timer, started once the grain has any.</summary>
    private void EnsureCheckpointTimer() =>
        _limits.EnsureCheckpointTimer(this, quotaOptions.Value.CheckpointInterval, this.GetPrimaryKeyString());

    public async Task<bool> CreateAsync(TenantDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (state.RecordExists)
        {
            // A repeat of the create that made this tenant (its answer was lost: the caller's deadline passed
            // after the write) is that create: it finishes what it may not have finished and succeeds.
            if (!IsCreatedAs(definition))
            {
                return false;
            }

            await AnnounceAsync();
            return true;
        }

        state.State = new TenantState
        {
            Name = definition.Name,
            Status = TenantStatus.Active,
            Limits = [.. definition.Limits],
            CorsOrigins = [.. definition.CorsOrigins ?? []],
            Cache = definition.Cache,
            CreatedAt = time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        _limits.Load(state.State.Limits, this.GetPrimaryKeyString(), this.GetPrimaryKeyString(), fromStorage: false);
        EnsureCheckpointTimer();
        await AnnounceAsync();
        return true;
    }

    /// <summary>Whether the stored tenant is what creating it with <paramref name="definition"/> made, unchanged since.</summary>
    private bool IsCreatedAs(TenantDefinition definition)
    {
        var s = state.State;
        return s.Status == TenantStatus.Active &&
               string.Equals(s.Name, definition.Name, StringComparison.Ordinal) &&
               s.Limits.SequenceEqual(definition.Limits) &&
               s.CorsOrigins.SequenceEqual(definition.CorsOrigins ?? [], StringComparer.Ordinal) &&
               s.Cache == definition.Cache;
    }

    /// <summary>What a new tenant tells the cluster's directories: its browser origins and its id (both idempotent).</summary>
    private async Task AnnounceAsync()
    {
        if (state.State.CorsOrigins.Count > 0)
        {
            await CorsDirectory().SetTenantAsync(this.GetPrimaryKeyString(), state.State.CorsOrigins);
        }

        await Listing().EnsureAsync();
    }

    public async Task<bool> DeleteAsync()
    {
        if (!state.RecordExists)
        {
            return false;
        }

        // Each step may be repeated: a delete that failed half-way is finished by the next one.
        var tenantId = this.GetPrimaryKeyString();
        await EndLeasesAsync();
        foreach (var issuer in state.State.Issuers)
        {
            await GrainFactory.GetGrain<IIssuerGrain>(issuer.Issuer).ReleaseAsync(tenantId);
        }

        if (state.State.CorsOrigins.Count > 0)
        {
            await CorsDirectory().SetTenantAsync(tenantId, []);
        }

        await _limits.ClearAsync(tenantId);
        await Audit().AppendAsync(new AuditEvent(time.GetUtcNow(), "tenant.deleted", null, null));
        await state.ClearStateAsync();
        state.State = new TenantState();
        DeactivateOnIdle();
        return true;
    }

    public Task<TenantInfo?> GetState() => GetAsync();

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
        var current = s.Limits.Select((_, i) => _limits.Usage(i)).ToArray();
        return new TenantInfo(this.GetPrimaryKeyString(), s.Name, s.Status, s.Limits, s.CreatedAt, s.KeyIds, current, s.CorsOrigins, s.Issuers, s.Cache);
    }

    public async Task<CreateKeyStatus> CreateKeyAsync(string keyId, ApiKeyDefinition definition, byte[] secretHash)
    {
        if (!state.RecordExists)
        {
            return CreateKeyStatus.TenantNotFound;
        }

        var key = GrainFactory.GetGrain<IApiKeyGrain>(keyId);
        if (!await key.InitializeAsync(this.GetPrimaryKeyString(), definition, secretHash))
        {
            return CreateKeyStatus.KeyIdTaken;
        }

        state.State.KeyIds = [.. state.State.KeyIds, keyId];
        await state.WriteStateAsync();
        await Audit().AppendAsync(new AuditEvent(time.GetUtcNow(), "key.created", keyId, definition.Name));
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
        await state.WriteStateAsync();
        await Audit().AppendAsync(new AuditEvent(time.GetUtcNow(), "tenant.limits-changed", null, string.Join(", ", limits.Select(l => l.Name))));
        // The keys give back what their slices hold unused before the counts move to the new limits (a limit that
        // keeps its name and shape keeps its count, without those units).
        await EndLeasesAsync();
        _limits.Load(state.State.Limits, this.GetPrimaryKeyString(), this.GetPrimaryKeyString(), fromStorage: false);
        EnsureCheckpointTimer();
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
            await state.WriteStateAsync();
            await EndLeasesAsync();
            await Audit().AppendAsync(new AuditEvent(time.GetUtcNow(), status == TenantStatus.Suspended ? "tenant.suspended" : "tenant.resumed", null, null));
        }

        return true;
    }

    public async Task<bool> SetNameAsync(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!state.RecordExists)
        {
            return false;
        }

        if (!string.Equals(state.State.Name, name, StringComparison.Ordinal))
        {
            state.State.Name = name;
            await state.WriteStateAsync();
            await Audit().AppendAsync(new AuditEvent(time.GetUtcNow(), "tenant.renamed", null, name));
        }

        return true;
    }

    public async Task<bool> SetCacheBudgetAsync(TenantCacheBudget? budget)
    {
        if (!state.RecordExists)
        {
            return false;
        }

        if (state.State.Cache != budget)
        {
            state.State.Cache = budget;
            await state.WriteStateAsync();
            await Audit().AppendAsync(new AuditEvent(
                time.GetUtcNow(), "tenant.cache-budget-changed", null, budget is null ? "default" : $"{budget.MaxBytes} bytes, {budget.MaxItems} responses"));
        }

        return true;
    }

    public async Task<bool> SetCorsOriginsAsync(IReadOnlyList<string> origins)
    {
        ArgumentNullException.ThrowIfNull(origins);
        if (!state.RecordExists)
        {
            return false;
        }

        state.State.CorsOrigins = [.. origins];
        await state.WriteStateAsync();
        await Audit().AppendAsync(new AuditEvent(time.GetUtcNow(), "tenant.cors-changed", null, string.Join(", ", origins)));

        // The tenant is the authority; the directory is the index front ends read. A failure here leaves the
        // index stale until the next change, so report it to the caller (who may retry: the call is idempotent).
        await CorsDirectory().SetTenantAsync(this.GetPrimaryKeyString(), state.State.CorsOrigins);
        return true;
    }

    public async Task<SetIssuersStatus> SetIssuersAsync(IReadOnlyList<IssuerDefinition> issuers)
    {
        ArgumentNullException.ThrowIfNull(issuers);
        if (!state.RecordExists)
        {
            return SetIssuersStatus.TenantNotFound;
        }

        var tenantId = this.GetPrimaryKeyString();
        var claimed = new List<string>();
        foreach (var issuer in issuers)
        {
            if (!await GrainFactory.GetGrain<IIssuerGrain>(issuer.Issuer).ClaimAsync(tenantId, issuer))
            {
                // Another tenant's: give back what this call claimed anew, and change nothing.
                foreach (var taken in claimed.Where(c => state.State.Issuers.All(i => i.Issuer != c)))
                {
                    await GrainFactory.GetGrain<IIssuerGrain>(taken).ReleaseAsync(tenantId);
                }

                return SetIssuersStatus.IssuerTaken;
            }

            claimed.Add(issuer.Issuer);
        }

        foreach (var removed in state.State.Issuers.Where(i => !claimed.Contains(i.Issuer, StringComparer.Ordinal)))
        {
            await GrainFactory.GetGrain<IIssuerGrain>(removed.Issuer).ReleaseAsync(tenantId);
        }

        state.State.Issuers = [.. issuers];
        await state.WriteStateAsync();
        await Audit().AppendAsync(new AuditEvent(time.GetUtcNow(), "tenant.issuers-changed", null, string.Join(", ", claimed)));
        return SetIssuersStatus.Set;
    }

    private ICorsDirectoryGrain CorsDirectory() => GrainFactory.GetGrain<ICorsDirectoryGrain>(ICorsDirectoryGrain.Key);

    private IAuditLogGrain Audit() => GrainFactory.GetGrain<IAuditLogGrain>(this.GetPrimaryKeyString());

    public async Task RecordAuditAsync(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (state.RecordExists)
        {
            await Audit().AppendAsync(auditEvent);
        }
    }

    public async Task<IReadOnlyList<AuditEvent>?> GetAuditAsync(int limit)
    {
        await state.ReadStateAsync();
        return state.RecordExists ? await Audit().ReadAsync(limit) : null;
    }

    public Task<AdmissionResult> AcquireAsync(long cost)
    {
        if (Refusal(cost) is { } refusal)
        {
            return Task.FromResult(refusal);
        }

        var tenantId = this.GetPrimaryKeyString();
        var limits = _limits.Set;
        if (limits.IsEmpty)
        {
            return Task.FromResult(new AdmissionResult(AdmissionStatus.Allowed, tenantId, LimitDecision.Unlimited, limits.Policies));
        }

        var decision = _limits.TryAcquire(cost);
        return Task.FromResult(decision.Allowed
            ? new AdmissionResult(AdmissionStatus.Allowed, tenantId, decision, limits.Policies, ShadowLimited: _limits.ShadowLimited)
            : new AdmissionResult(AdmissionStatus.Limited, tenantId, decision, limits.Policies, AdmissionLevel.Tenant));
    }

    /// <summary>
    /// Why a request of <paramref name="cost"/> cannot be admitted whatever the limits have left (for a request
    /// or a lease alike), or null when it may be.
    /// </summary>
    private AdmissionResult? Refusal(long cost)
    {
        if (!state.RecordExists)
        {
            // A key whose tenant is gone is not usable.
            return AdmissionResult.Invalid;
        }

        var tenantId = this.GetPrimaryKeyString();
        if (state.State.Status == TenantStatus.Suspended)
        {
            return AdmissionResult.Refused(AdmissionStatus.TenantSuspended, tenantId, AdmissionLevel.Tenant);
        }

        // Never with no limits: MaxCost is then unbounded.
        return cost > _limits.Set.MaxCost ? AdmissionResult.Refused(AdmissionStatus.CostTooHigh, tenantId, AdmissionLevel.Tenant) : null;
    }
}
