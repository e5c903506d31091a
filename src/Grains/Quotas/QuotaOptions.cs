using System.ComponentModel.DataAnnotations;

namespace Silo.Grains.Quotas;

/// <summary>How durable quotas (day, month and other long windows) are kept. Configuration section <c>Quotas</c>.</summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Quotas";

    /// <summary>
    /// How often a key or tenant with durable limits writes its counts, when they changed. A crash loses at most
    /// the consumption of one interval. The default value is 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);
}
