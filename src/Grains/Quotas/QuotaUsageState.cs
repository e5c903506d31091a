using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>The stored counts of a key's or tenant's durable limits (grain state <c>usage</c>).</summary>
public sealed class QuotaUsageState
{
    public IReadOnlyList<WindowCheckpoint> Windows { get; set; } = [];
}
