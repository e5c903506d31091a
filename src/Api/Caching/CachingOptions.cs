using System.ComponentModel.DataAnnotations;

namespace Silo.Api.Caching;

/// <summary>Settings of each front end's response cache (section <c>Caching</c>); services opt in with their <c>cache</c> policy.</summary>
public sealed class CachingOptions
{
    public const string SectionName = "Caching";

    /// <summary>
    /// The most bytes of responses (bodies and heads) this front end keeps for every service together; past it
    /// the least recently used entries go first. The default value is 64 MiB.
    /// </summary>
    [Range(1, long.MaxValue, ErrorMessage = "Caching:MaxBytes must be at least 1.")]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;
}
