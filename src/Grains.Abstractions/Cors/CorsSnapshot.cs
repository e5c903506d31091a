namespace Silo.Grains.Cors;

/// <summary>Which tenants allow which origins, across the cluster; <see cref="Version"/> grows on every change.</summary>
[GenerateSerializer, Immutable, Alias("silo.CorsSnapshot")]
public sealed record CorsSnapshot(long Version, IReadOnlyDictionary<string, IReadOnlyList<string>> OriginsByTenant);
