using System.ComponentModel.DataAnnotations;

namespace Silo.Grains.Identity;

/// <summary>How issuer grains fetch signing keys (<c>Identity</c> section).</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>
    /// The least time between two fetches of one issuer's keys, however many front ends meet an unknown key id
    /// (a flood of made-up <c>kid</c>s costs the identity provider one request per interval). The default value is 30.
    /// </summary>
    [Range(0, 3600)]
    public int MinRefreshSeconds { get; set; } = 30;

    /// <summary>How often an active issuer's keys are fetched anyway, to pick up rollovers. The default value is 600.</summary>
    [Range(10, 86_400)]
    public int RefreshSeconds { get; set; } = 600;

    /// <summary>How long one fetch may take. The default value is 5.</summary>
    [Range(1, 60)]
    public int FetchTimeoutSeconds { get; set; } = 5;
}
