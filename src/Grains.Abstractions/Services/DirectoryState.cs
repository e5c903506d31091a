namespace Silo.Grains.Services;

/// <summary>One durable index: every id, and the version of the last change.</summary>
[GenerateSerializer, Alias("silo.ServiceDirectoryState")]
public sealed class DirectoryState
{
    [Id(0)]
    public long Version { get; set; }

    [Id(1)]
    public IReadOnlyList<string> Ids { get; set; } = [];
}
