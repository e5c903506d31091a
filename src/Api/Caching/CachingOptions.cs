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

    /// <summary>
    /// The most bytes of responses one tenant's requests keep on this front end (entries of every service whose
    /// cache scope is the tenant or its keys); past it that tenant's least recently used entries go first, never
    /// another tenant's. A shared cache (scope <c>shared</c>) counts against <see cref="MaxBytes"/> only. The
    /// default value is 16 MiB.
    /// </summary>
    [Range(1, long.MaxValue, ErrorMessage = "Caching:TenantMaxBytes must be at least 1.")]
    public long TenantMaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The most responses one tenant keeps on this front end, as <see cref="TenantMaxBytes"/>. The default value is 10,000.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Caching:TenantMaxItems must be at least 1.")]
    public int TenantMaxItems { get; set; } = 10_000;
}
