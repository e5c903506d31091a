namespace Silo.Grains.Services;

/// <summary>The durable directory: every service id, and the version of the last change.</summary>
[GenerateSerializer, Alias("silo.ServiceDirectoryState")]
public sealed class ServiceDirectoryState
{
    [Id(0)]
    public long Version { get; set; }

    [Id(1)]
    public IReadOnlyList<string> ServiceIds { get; set; } = [];
}
