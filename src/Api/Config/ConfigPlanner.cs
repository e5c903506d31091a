using System.Text.Json;
using System.Text.Json.Nodes;
using Silo.Api.Contracts;
using Silo.Api.Endpoints;
using Silo.Api.Errors;
using Silo.Api.Json;
using Silo.Api.Routing;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;
using Silo.Grains.Services;
using Silo.Grains.Tenants;

namespace Silo.Api.Config;

/// <summary>
/// Declarative configuration: reads the live tenants, keys and services through their grains, checks a
/// <see cref="GatewayConfig"/> against them (every error at once, named by its place in the document), lists
/// what applying it would change field by field, and applies that with the grains' own admin calls. Objects
/// missing from the document are left as they are, unless the plan prunes: then tenants and services the document
/// lacks are deleted and active keys of its tenants that it lacks are revoked. A second apply of the same document
/// changes nothing.
/// </summary>
internal sealed partial class ConfigPlanner(IGrainFactory grains, TimeProvider time, RoutingTable routes, ILogger<ConfigPlanner> logger)
{
    /// <summary>The live configuration in the document's shape: tenants with their active keys, and services.</summary>
    public async Task<GatewayConfig> ExportAsync()
    {
        var live = await LoadAsync();
        return new GatewayConfig(
            [.. live.Tenants.Values.Select(t => new TenantConfig(
                t.Info.Id, t.Info.Name, t.Info.Status, t.Info.Limits, t.Info.CorsOrigins,
                [.. t.Keys.Select(k => new KeyConfig(k.Id, k.Name, k.Limits, k.Scopes, k.ExpiresAt))], t.Info.Cache))],
            [.. live.Services.Values.Select(ServiceConfig.From)]);
    }

    /// <summary>
    /// What applying <paramref name="config"/> would change (with <paramref name="prune"/>, also what it would delete
    /// and revoke); null with the errors when it is not valid.
    /// </summary>
    public async Task<(Plan? Plan, Dictionary<string, string> Errors)> PlanAsync(GatewayConfig config, bool prune = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var live = await LoadAsync();
        var steps = new List<Step>();
        var unchanged = 0;
        var kept = new HashSet<string>(StringComparer.Ordinal);
        PlanTenants(config.Tenants ?? [], live, steps, errors, kept, ref unchanged);
        PlanServices(config.Services ?? [], live, steps, errors, ref unchanged);
        if (prune)
        {
            PlanPrune(config, live, kept, steps);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new Plan(new ConfigPlan(steps.Count > 0, [.. steps.Select(s => s.Change)], unchanged), steps), errors);
    }

    /// <summary>
    /// Applies <paramref name="plan"/> in order (tenants, their keys, services). A grain that cannot answer stops
    /// it with <see cref="ConfigApplyException"/>, which carries what was applied and the keys created so far.
    /// </summary>
    public async Task<ConfigPlan> ApplyAsync(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var applied = new List<ConfigChange>();
        var created = new List<CreateKeyResponse>();
        try
        {
            foreach (var step in plan.Steps)
            {
                await ApplyAsync(step, created);
                applied.Add(step.Change);
            }
        }
        catch (Exception ex) when (GrainFailures.IsTransient(ex))
        {
            LogApplyStopped(logger, applied.Count, plan.Steps.Count, ex.GetType().Name);
            throw new ConfigApplyException(applied, created, ex);
        }

        LogApplied(logger, applied.Count, created.Count);
        return plan.Summary with { CreatedKeys = created };
    }

    private void PlanTenants(
        IReadOnlyList<TenantConfig?> tenants, Live live, List<Step> steps, Dictionary<string, string> errors, HashSet<string> keptKeys, ref int unchanged)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tenants.Count; i++)
        {
            var at = $"tenants[{i}].";
            if (tenants[i] is not { } t)
            {
                errors[$"tenants[{i}]"] = "Must be a tenant (a mapping).";
                continue;
            }

            var origins = TenantEndpoints.Validate(new CreateTenantRequest(t.Id, t.Name, t.Limits, t.CorsOrigins, t.Cache), at, errors);
            if (t.Id is not null && !seen.Add(t.Id))
            {
                errors[at + "id"] = $"Tenant '{t.Id}' is given twice.";
            }

            var id = t.Id ?? string.Empty;
            var current = live.Tenants.GetValueOrDefault(id);
            var desired = new TenantFields(t.Name ?? string.Empty, t.Status ?? TenantStatus.Active, t.Limits ?? [], origins, t.Cache);
            var fields = Diff(current is null ? null : TenantFields.From(current.Info), desired);
            if (Action(current is not null, fields) is { } action)
            {
                steps.Add(new TenantStep(new ConfigChange("tenant", id, action, fields), id, desired, Create: current is null));
            }
            else
            {
                unchanged++;
            }

            PlanKeys(t, at, current, steps, errors, keptKeys, ref unchanged);
        }
    }

    private void PlanKeys(
        TenantConfig tenant, string tenantAt, LiveTenant? current, List<Step> steps, Dictionary<string, string> errors, HashSet<string> keptKeys, ref int unchanged)
    {
        var keys = tenant.Keys ?? [];
        var liveKeys = current?.Keys ?? [];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < keys.Count; j++)
        {
            var at = $"{tenantAt}keys[{j}].";
            if (keys[j] is not { } k)
            {
                errors[$"{tenantAt}keys[{j}]"] = "Must be a key (a mapping).";
                continue;
            }

            var name = k.Name ?? "default";
            var match = Match(k, name, tenant.Id, liveKeys, ids, names, at, errors);
            if (match is not null)
            {
                keptKeys.Add(match.Id);
            }

            KeyEndpoints.Validate(
                new CreateKeyRequest(k.Name, k.Limits, k.Scopes, k.ExpiresAt), time, at, errors, newExpiry: match is null || match.ExpiresAt != k.ExpiresAt);
            var desired = new KeyFields(name, k.Limits ?? [], k.Scopes ?? [], k.ExpiresAt?.ToUniversalTime());
            var fields = Diff(match is null ? null : new KeyFields(match.Name, match.Limits, match.Scopes, match.ExpiresAt?.ToUniversalTime()), desired);
            var definition = new ApiKeyDefinition(name, desired.Limits, desired.Scopes, k.ExpiresAt);
            if (Action(match is not null, fields) is { } action)
            {
                steps.Add(new KeyStep(
                    new ConfigChange("key", match?.Id ?? $"{tenant.Id}/{name}", action, fields), tenant.Id ?? string.Empty, match?.Id, definition));
            }
            else
            {
                unchanged++;
            }
        }
    }

    /// <summary>The live key <paramref name="k"/> means: by its id, else by its name; null for a key to create.</summary>
    private static ApiKeyInfo? Match(
        KeyConfig k, string name, string? tenantId, IReadOnlyList<ApiKeyInfo> liveKeys, HashSet<string> ids, HashSet<string> names, string at, Dictionary<string, string> errors)
    {
        if (k.Id is { } id)
        {
            var byId = liveKeys.FirstOrDefault(l => string.Equals(l.Id, id, StringComparison.Ordinal));
            if (!ids.Add(id))
            {
                errors[at + "id"] = $"Key '{id}' is given twice.";
            }
            else if (byId is null)
            {
                errors[at + "id"] = $"Tenant '{tenantId}' has no active key '{id}' (leave the id out to create a key; a revoked key cannot come back).";
            }

            return byId;
        }

        var named = liveKeys.Where(l => string.Equals(l.Name, name, StringComparison.Ordinal)).ToArray();
        if (!names.Add(name))
        {
            errors[at + "name"] = $"Two keys without an id are named '{name}': give each its own name, or its id.";
        }
        else if (named.Length > 1)
        {
            errors[at + "name"] = $"Tenant '{tenantId}' has {named.Length} active keys named '{name}': give the id of the one meant (GET /admin/config shows them).";
        }

        return named.Length == 1 ? named[0] : null;
    }

    private static void PlanServices(IReadOnlyList<CreateServiceRequest?> services, Live live, List<Step> steps, Dictionary<string, string> errors, ref int unchanged)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is not { } s)
            {
                errors[$"services[{i}]"] = "Must be a service (a mapping).";
                continue;
            }

            var definition = s.ToDefinition();
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            ServiceEndpoints.Validate(definition, found);
            foreach (var (field, message) in found)
            {
                errors[$"services[{i}].{field}"] = message;
            }

            if (!seen.Add(definition.Id))
            {
                errors[$"services[{i}].id"] = $"Service '{definition.Id}' is given twice.";
            }

            var current = live.Services.GetValueOrDefault(definition.Id);
            var fields = Diff(current is null ? null : ServiceConfig.From(current), ServiceConfig.From(definition));
            fields.RemoveAll(f => f.Field == "id");
            if (Action(current is not null, fields) is { } action)
            {
                steps.Add(new ServiceStep(new ConfigChange("service", definition.Id, action, fields), definition, Create: current is null));
            }
            else
            {
                unchanged++;
            }
        }
    }

    /// <summary>
    /// The deletions of a pruning plan, after its creates and updates: active keys of the document's tenants that
    /// it does not name (revoked), then services and tenants it does not name (deleted, a tenant with its keys).
    /// </summary>
    private static void PlanPrune(GatewayConfig config, Live live, HashSet<string> keptKeys, List<Step> steps)
    {
        var tenants = (config.Tenants ?? []).OfType<TenantConfig>().Select(t => t.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var services = (config.Services ?? []).OfType<CreateServiceRequest>().Select(s => s.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var tenant in live.Tenants.Values.Where(t => tenants.Contains(t.Info.Id)))
        {
            foreach (var key in tenant.Keys.Where(k => !keptKeys.Contains(k.Id)))
            {
                steps.Add(new PruneStep(new ConfigChange("key", key.Id, "revoke", [])));
            }
        }

        foreach (var service in live.Services.Keys.Where(id => !services.Contains(id)))
        {
            steps.Add(new PruneStep(new ConfigChange("service", service, "delete", [])));
        }

        foreach (var tenant in live.Tenants.Keys.Where(id => !tenants.Contains(id)))
        {
            steps.Add(new PruneStep(new ConfigChange("tenant", tenant, "delete", [])));
        }
    }

    private async Task ApplyAsync(Step step, List<CreateKeyResponse> created)
    {
        switch (step)
        {
            case PruneStep { Change: { Kind: "key" } change }:
                await grains.GetGrain<IApiKeyGrain>(change.Id).RevokeAsync();
                break;
            case PruneStep { Change: { Kind: "service" } change }:
                await Deletion.DeleteServiceAsync(grains, routes, logger, change.Id);
                break;
            case PruneStep { Change: { Kind: "tenant" } change }:
                await Deletion.DeleteTenantAsync(grains, logger, change.Id);
                break;
            case TenantStep t:
                await ApplyTenantAsync(t);
                break;
            case KeyStep { KeyId: null } k:
                var (status, key) = await KeyEndpoints.CreateKeyAsync(grains, k.TenantId, k.Definition);
                if (status != CreateKeyStatus.Created)
                {
                    throw new InvalidOperationException($"Creating a key of tenant '{k.TenantId}' answered {status}.");
                }

                created.Add(key!);
                break;
            case KeyStep k:
                // False only when the key was revoked since the plan: nothing to update then.
                await grains.GetGrain<IApiKeyGrain>(k.KeyId!).UpdateAsync(k.Definition);
                break;
            case ServiceStep s:
                var service = grains.GetGrain<IServiceGrain>(s.Definition.Id);
                if (!s.Create || !await service.CreateAsync(s.Definition))
                {
                    await service.UpdateAsync(s.Definition);
                }

                routes.Invalidate(s.Definition.Id);
                break;
        }
    }

    private async Task ApplyTenantAsync(TenantStep t)
    {
        var tenant = grains.GetGrain<ITenantGrain>(t.Id);
        var d = t.Desired;
        if (!t.Create || !await tenant.CreateAsync(new TenantDefinition(d.Name, d.Limits, d.CorsOrigins, d.Cache)))
        {
            // An update, or a create that met a tenant made meanwhile: each field that differs is set.
            if (await tenant.GetAsync() is { } now)
            {
                if (!string.Equals(now.Name, d.Name, StringComparison.Ordinal))
                {
                    await tenant.SetNameAsync(d.Name);
                }

                if (!now.Limits.SequenceEqual(d.Limits))
                {
                    await tenant.SetLimitsAsync(d.Limits);
                }

                if (!now.CorsOrigins.SequenceEqual(d.CorsOrigins, StringComparer.Ordinal))
                {
                    await tenant.SetCorsOriginsAsync(d.CorsOrigins);
                }

                if (now.Cache != d.Cache)
                {
                    await tenant.SetCacheBudgetAsync(d.Cache);
                }
            }
        }

        await tenant.SetStatusAsync(d.Status);
    }

    private async Task<Live> LoadAsync()
    {
        var tenantIds = (await grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Tenants).GetIfNewerAsync(0))?.Ids ?? [];
        var tenants = await Task.WhenAll(tenantIds.Select(async id =>
        {
            var info = await grains.GetGrain<ITenantGrain>(id).GetAsync();
            if (info is null)
            {
                return null;
            }

            var keys = await Task.WhenAll(info.KeyIds.Select(k => grains.GetGrain<IApiKeyGrain>(k).GetAsync()));
            return new LiveTenant(info, [.. keys.OfType<ApiKeyInfo>().Where(k => k.Status == ApiKeyStatus.Active)]);
        }));
        var serviceIds = (await grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Services).GetIfNewerAsync(0))?.Ids ?? [];
        var services = await Task.WhenAll(serviceIds.Select(id => grains.GetGrain<IServiceGrain>(id).GetAsync()));
        return new Live(
            new(tenants.OfType<LiveTenant>().Select(t => KeyValuePair.Create(t.Info.Id, t)), StringComparer.Ordinal),
            new(services.OfType<ServiceInfo>().Select(s => KeyValuePair.Create(s.Definition.Id, s.Definition)), StringComparer.Ordinal));
    }

    /// <summary>The fields of <paramref name="desired"/> that differ from <paramref name="current"/> (all that are set, for a create).</summary>
    private static List<FieldChange> Diff<T>(T? current, T desired)
        where T : class
    {
        var to = JsonSerializer.SerializeToNode(desired, ConfigDocument.WriteOptions)!.AsObject();
        var from = current is null ? null : JsonSerializer.SerializeToNode(current, ConfigDocument.WriteOptions)!.AsObject();
        var changes = new List<FieldChange>();
        foreach (var (name, value) in to)
        {
            var old = from?[name];
            if (from is null ? value is not null : !JsonNode.DeepEquals(old, value))
            {
                changes.Add(new FieldChange(name, old?.DeepClone(), value?.DeepClone()));
            }
        }

        foreach (var (name, old) in from ?? [])
        {
            if (!to.ContainsKey(name))
            {
                changes.Add(new FieldChange(name, old?.DeepClone(), null));
            }
        }

        return changes;
    }

    /// <summary><c>create</c> for an object the gateway lacks, <c>update</c> when fields differ, null when it is as the document says.</summary>
    private static string? Action(bool exists, List<FieldChange> fields) => !exists ? "create" : fields.Count > 0 ? "update" : null;

    [LoggerMessage(EventId = 220, Level = LogLevel.Information, Message = "Audit: configuration applied, {Changes} object(s) created, updated, revoked or deleted, {Keys} key(s) created")]
    private static partial void LogApplied(ILogger logger, int changes, int keys);

    [LoggerMessage(EventId = 221, Level = LogLevel.Warning, Message = "Audit: configuration apply stopped after {Applied} of {Steps} change(s): a grain could not answer ({Error}); applying the same document again finishes it")]
    private static partial void LogApplyStopped(ILogger logger, int applied, int steps, string error);

    private sealed record LiveTenant(TenantInfo Info, IReadOnlyList<ApiKeyInfo> Keys);

    /// <summary>The live objects by id, in the directories' order (the export's).</summary>
    private sealed record Live(OrderedDictionary<string, LiveTenant> Tenants, OrderedDictionary<string, ServiceDefinition> Services);

    /// <summary>A tenant's fields as the document gives them, compared field by field.</summary>
    private sealed record TenantFields(string Name, TenantStatus Status, IReadOnlyList<LimitDefinition> Limits, IReadOnlyList<string> CorsOrigins, TenantCacheBudget? Cache)
    {
        public static TenantFields From(TenantInfo info) => new(info.Name, info.Status, info.Limits, info.CorsOrigins, info.Cache);
    }

    private sealed record KeyFields(string Name, IReadOnlyList<LimitDefinition> Limits, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

    /// <summary>A checked document and the steps that apply it.</summary>
    internal sealed record Plan(ConfigPlan Summary, IReadOnlyList<Step> Steps);

    internal abstract record Step(ConfigChange Change);

    private sealed record TenantStep(ConfigChange Change, string Id, TenantFields Desired, bool Create) : Step(Change);

    private sealed record KeyStep(ConfigChange Change, string TenantId, string? KeyId, ApiKeyDefinition Definition) : Step(Change);

    private sealed record ServiceStep(ConfigChange Change, ServiceDefinition Definition, bool Create) : Step(Change);

    /// <summary>A key to revoke, or a service or tenant to delete: named by the change.</summary>
    private sealed record PruneStep(ConfigChange Change) : Step(Change);
}
