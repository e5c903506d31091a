using System.ComponentModel.DataAnnotations;

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
}
