namespace Silo.Grains.Services;

/// <summary>A service as the admin API shows it.</summary>
public sealed record ServiceInfo(ServiceDefinition Definition, long Version, DateTimeOffset CreatedAt);
