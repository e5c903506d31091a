namespace Silo.Grains.Cors;

/// <summary>Which tenants allow which origins, across the cluster; <see cref="Version"/> grows on every change.</summary>
public sealed record CorsSnapshot(long Version, IReadOnlyDictionary<string, IReadOnlyList<string>> OriginsByTenant);
