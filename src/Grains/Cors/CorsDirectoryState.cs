namespace Silo.Grains.Cors;

/// <summary>The durable directory: each tenant's origins, and the version of the last change.</summary>
public sealed class CorsDirectoryState
{
    public long Version { get; set; }

    public IDictionary<string, IReadOnlyList<string>> OriginsByTenant { get; set; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
}
