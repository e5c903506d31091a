namespace Silo.Grains.Services;

/// <summary>The durable part of a service.</summary>
public sealed class ServiceState
{
    public ServiceDefinition? Definition { get; set; }

    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
