using System.ComponentModel.DataAnnotations;
using Silo.Api.Auth;

namespace Silo.Api.Hosting;

/// <summary>Defences of the data plane (configuration section <c>Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Failed authentications one address may make per minute before it is refused outright. The default value is 30.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Security:FailedAuthenticationsPerMinute must be between 1 and 1000000.")]
    public int FailedAuthenticationsPerMinute { get; set; } = FailedAuthenticationLimiter.DefaultPerMinute;
}
