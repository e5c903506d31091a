namespace Silo.Grains.Services;

/// <summary>The durable part of a service.</summary>
[GenerateSerializer, Alias("silo.ServiceState")]
public sealed class ServiceState
{
    [Id(0)]
    public ServiceDefinition? Definition { get; set; }

    [Id(1)]
    public long Version { get; set; }

    [Id(2)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The keys forwarded requests are signed with, newest last; empty when the service does not sign.</summary>
    [Id(3)]
    public IReadOnlyList<ServiceSigningKey> SigningKeys { get; set; } = [];
}
