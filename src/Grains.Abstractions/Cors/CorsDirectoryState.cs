namespace Silo.Grains.Cors;

/// <summary>The durable directory: each tenant's origins, and the version of the last change.</summary>
[GenerateSerializer, Alias("silo.CorsDirectoryState")]
public sealed class CorsDirectoryState
{
    [Id(0)]
    public long Version { get; set; }

    [Id(1)]
    public IDictionary<string, IReadOnlyList<string>> OriginsByTenant { get; set; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
}
