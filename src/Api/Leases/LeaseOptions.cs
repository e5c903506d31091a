using System.ComponentModel.DataAnnotations;

namespace Silo.Api.Leases;

/// <summary>Admission leases on this front end (configuration section <c>Admission:Leases</c>).</summary>
public sealed class LeaseOptions
{
    public const string SectionName = "Admission:Leases";

    /// <summary>Whether busy keys are admitted from leased slices. The default value is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How many requests a second this front end must see of one key before it asks for a lease; a key seen less
    /// often is admitted by one grain call per request, as without leases. A key only gets here after the
    /// per-request path carried it this fast, so a high value can keep every key of a tenant with many keys below
    /// it where that path is slow; below about 3 a lease costs more grain calls (a renewal and a return per
    /// slice) than it saves. Units parked in another front end's slice are asked back before a request is
    /// refused, so a low value does not cost a burst on a small limit its units (README, "Admission leases").
    /// The default value is 5.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Admission:Leases:MinimumRate must be between 1 and 1000000.")]
    public int MinimumRate { get; set; } = 5;

    /// <summary>
    /// How long a slice may be used: the most a revoked key can still be admitted by a front end that could not
    /// be told, and how long unused units stay parked before they go back. Grains shorten it to the end of the
    /// current window of a windowed limit and never grant more than 10 s. A busy key's lease is renewed about
    /// every <c>Duration</c> − 250 ms (a quarter less for a lease under a second), so this also sets the grain
    /// calls a busy key costs. The default value is 1 second.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many seconds of this front end's traffic of a key one slice asks for; the grains grant less when the
    /// limit has less room. The default value is 2 (two lease durations' worth at the observed rate).
    /// </summary>
    [Range(0.1, 100, ErrorMessage = "Admission:Leases:SliceLeaseDurations must be between 0.1 and 100.")]
    public double SliceLeaseDurations { get; set; } = 2;

    /// <summary>How many keys one front end tracks at once; keys beyond it are admitted per request. The default value is 100,000.</summary>
    [Range(1, 10_000_000, ErrorMessage = "Admission:Leases:MaxKeys must be between 1 and 10000000.")]
    public int MaxKeys { get; set; } = 100_000;
}
