namespace Silo.Grains.Services;

/// <summary>Owns one downstream service's definition and publishes it as a versioned routing snapshot.</summary>
public sealed class ServiceGrain(
    [PersistentState("service")] IPersistentState<ServiceState> state,
    TimeProvider time) : Grain, IServiceGrain
{
    private RoutingSnapshot? _snapshot;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _snapshot = BuildSnapshot();
        return Task.CompletedTask;
    }

    public async Task<bool> CreateAsync(ServiceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (state.RecordExists)
        {
            return false;
        }

        state.State = new ServiceState { Definition = definition, Version = 1, CreatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        _snapshot = BuildSnapshot();
        return true;
    }

    public Task<ServiceInfo?> GetAsync() =>
        Task.FromResult(state.State.Definition is { } definition
            ? new ServiceInfo(definition, state.State.Version, state.State.CreatedAt)
            : null);

    public Task<RoutingSnapshot?> GetSnapshotAsync() => Task.FromResult(_snapshot);

    private RoutingSnapshot? BuildSnapshot() =>
        state.State.Definition is { } d
            ? new RoutingSnapshot(d.Id, state.State.Version, d.Endpoints, d.LoadBalancing, d.TimeoutSeconds)
            : null;
}
