namespace Silo.Grains.Services;

/// <summary>Every registered service id; <see cref="Version"/> grows on every change.</summary>
[GenerateSerializer, Immutable, Alias("silo.ServiceDirectorySnapshot")]
public sealed record ServiceDirectorySnapshot(long Version, IReadOnlyList<string> ServiceIds);
