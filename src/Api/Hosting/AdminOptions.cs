using System.ComponentModel.DataAnnotations;
using Silo.Api.Auth;

namespace Silo.Api.Hosting;

/// <summary>The admin API (configuration section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>
    /// The admin bearer token, at least 16 characters (environment variable <c>Admin__Token</c>). Required in
    /// Production; elsewhere one is generated at start-up and printed once.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Admin requests one address may make per minute on one front end (100 a second: room for provisioning
    /// scripts, a wall for floods). The default value is 6000.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Admin:RequestsPerMinute must be between 1 and 1000000.")]
    public int RequestsPerMinute { get; set; } = 6000;

    /// <summary>
    /// Failed admin authentications one address may make per minute before its admin requests are refused
    /// outright. Counted apart from the data plane's failed keys (<c>Security:FailedAuthenticationsPerMinute</c>),
    /// so bad API keys from an address never lock the admin token out. The default value is 30.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Admin:FailedAuthenticationsPerMinute must be between 1 and 1000000.")]
    public int FailedAuthenticationsPerMinute { get; set; } = FailedAuthenticationLimiter.DefaultPerMinute;
}
