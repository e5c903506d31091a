namespace Silo.Grains.Services;

/// <summary>One downstream service (keyed by service id): its endpoints and routing policy.</summary>
public interface IServiceGrain : IGrainWithStringKey
{
    /// <summary>Registers the service; false when it already exists.</summary>
    Task<bool> CreateAsync(ServiceDefinition definition);

    /// <summary>The service; null when it does not exist.</summary>
    Task<ServiceInfo?> GetAsync();

    /// <summary>The current routing snapshot; null when the service does not exist.</summary>
    Task<RoutingSnapshot?> GetSnapshotAsync();
}
