using System.Diagnostics.Metrics;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>Instruments of the limits: requests a shadow limit would have rejected.</summary>
public sealed class LimitMetrics
{
    public const string MeterName = "Silo.Grains.Limits";

    private readonly Counter<long> _shadowRejections;

    public LimitMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _shadowRejections = meter.CreateCounter<long>(
            "silo.limits.shadow_rejections",
            unit: "{request}",
            description: "Requests a shadow limit would have rejected (they were admitted).");
    }

    /// <summary>Counts one would-be rejection by the shadow limit <paramref name="limit"/> of a key or tenant.</summary>
    public void ShadowRejection(string scope, string tenant, LimitDefinition limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (_shadowRejections.Enabled)
        {
            _shadowRejections.Add(
                1,
                new KeyValuePair<string, object?>("silo.limit.scope", scope),
                new KeyValuePair<string, object?>("silo.tenant", tenant),
                new KeyValuePair<string, object?>("silo.limit.name", limit.Name));
        }
    }
}
