using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Silo.Grains.Hosting;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>
/// Instruments of the limits, on silos: requests a shadow limit would have rejected, and durable checkpoints
/// written and in conflict. Tenant ids label them only with <c>Telemetry:TenantLabels</c>.
/// </summary>
public sealed class LimitMetrics
{
    public const string MeterName = "Silo.Grains.Limits";

    private readonly Counter<long> _shadowRejections;
    private readonly Counter<long> _checkpointWrites;
    private readonly Counter<long> _checkpointConflicts;
    private readonly Counter<long> _checkpointFailures;
    private readonly bool _tenantLabels;

    public LimitMetrics(IMeterFactory meterFactory, IOptions<TelemetryOptions> telemetry)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(telemetry);
        _tenantLabels = telemetry.Value.TenantLabels;
        var meter = meterFactory.Create(MeterName);
        _shadowRejections = meter.CreateCounter<long>(
            "silo.limits.shadow_rejections",
            unit: "{request}",
            description: "Requests a shadow limit would have rejected (they were admitted).");
        _checkpointWrites = meter.CreateCounter<long>(
            "silo.limits.checkpoint.writes", unit: "{write}", description: "Durable limit counts written to grain storage.");
        _checkpointConflicts = meter.CreateCounter<long>(
            "silo.limits.checkpoint.conflicts",
            unit: "{conflict}",
            description: "Checkpoints that met another activation's write (the counts were added up and the activation ended).");
        _checkpointFailures = meter.CreateCounter<long>(
            "silo.limits.checkpoint.failures",
            unit: "{write}",
            description: "Checkpoints that storage failed or did not answer in time (the next checkpoint writes the counts).");
    }

    /// <summary>Counts one checkpoint written by a key or tenant (<paramref name="scope"/>).</summary>
    public void CheckpointWritten(string scope) => _checkpointWrites.Add(1, new KeyValuePair<string, object?>("silo.limit.scope", scope));

    /// <summary>Counts one checkpoint that met another activation's write.</summary>
    public void CheckpointConflict(string scope) => _checkpointConflicts.Add(1, new KeyValuePair<string, object?>("silo.limit.scope", scope));

    /// <summary>Counts one checkpoint that storage failed or did not answer in time.</summary>
    public void CheckpointFailed(string scope) => _checkpointFailures.Add(1, new KeyValuePair<string, object?>("silo.limit.scope", scope));

    /// <summary>Counts one would-be rejection by the shadow limit <paramref name="limit"/> of a key or tenant.</summary>
    public void ShadowRejection(string scope, string tenant, LimitDefinition limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (!_shadowRejections.Enabled)
        {
            return;
        }

        if (_tenantLabels)
        {
            _shadowRejections.Add(
                1,
                new KeyValuePair<string, object?>("silo.limit.scope", scope),
                new KeyValuePair<string, object?>("silo.limit.name", limit.Name),
                new KeyValuePair<string, object?>("silo.tenant", tenant));
        }
        else
        {
            _shadowRejections.Add(
                1,
                new KeyValuePair<string, object?>("silo.limit.scope", scope),
                new KeyValuePair<string, object?>("silo.limit.name", limit.Name));
        }
    }
}
