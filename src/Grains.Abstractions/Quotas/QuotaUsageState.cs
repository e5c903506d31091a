using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>The stored counts of a key's or tenant's durable limits (grain state <c>usage</c>).</summary>
[GenerateSerializer, Alias("silo.QuotaUsageState")]
public sealed class QuotaUsageState
{
    [Id(0)]
    public IReadOnlyList<WindowCheckpoint> Windows { get; set; } = [];

    /// <summary>
    /// Epochs of activations that ended gracefully after writing every unit they had leased out into
    /// <see cref="Windows"/>: units their holders give back are still in these counts, so a later activation
    /// credits them.
    /// </summary>
    [Id(1)]
    public IReadOnlyList<HandedOverEpoch> HandedOver { get; set; } = [];
}
