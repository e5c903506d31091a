namespace Silo.Grains.Services;

/// <summary>Every id in one index, in the order they were added; <see cref="Version"/> grows on every change.</summary>
[GenerateSerializer, Immutable, Alias("silo.ServiceDirectorySnapshot")]
public sealed record DirectorySnapshot(long Version, IReadOnlyList<string> Ids);
