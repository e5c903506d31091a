using System.ComponentModel.DataAnnotations;

namespace Silo.Api.Identity;

/// <summary>How a front end checks JWT callers (<c>Identity</c> section, shared with the issuer grains' settings).</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Identity";

    /// <summary>
    /// How old an issuer's signing keys may be (the last good fetch) before its tokens are answered 503
    /// <c>identity-provider-unavailable</c>: how long an identity provider outage is ridden out. The default value is 86400 (a day).
    /// </summary>
    [Range(1, 30 * 86_400)]
    public int MaxKeyAgeSeconds { get; set; } = 86_400;

    /// <summary>
    /// The least time between two requests for one issuer's keys from this front end to its grain (the grain
    /// bounds the fetches from the identity provider by <c>Identity:MinRefreshSeconds</c>). The default value is 5.
    /// </summary>
    [Range(0, 300)]
    public int KeyRequestGapSeconds { get; set; } = 5;

    /// <summary>The longest token accepted, in characters. The default value is 8192.</summary>
    [Range(256, 65_536)]
    public int MaxTokenLength { get; set; } = 8192;
}
