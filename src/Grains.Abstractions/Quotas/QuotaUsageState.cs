using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>The stored counts of a key's or tenant's durable limits (grain state <c>usage</c>).</summary>
[GenerateSerializer, Alias("silo.QuotaUsageState")]
public sealed class QuotaUsageState
{
    [Id(0)]
    public IReadOnlyList<WindowCheckpoint> Windows { get; set; } = [];
}
