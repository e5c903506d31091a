using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Silo.Runtime.Activation;
using Silo.Runtime.Persistence;

namespace Silo.Runtime.Hosting;

/// <summary>Registers grain classes and storage providers with the runtime.</summary>
public sealed class SiloRuntimeBuilder
{
    internal SiloRuntimeBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    /// <summary>This silo can activate <typeparamref name="TGrain"/> for calls to <typeparamref name="TInterface"/>.</summary>
    public SiloRuntimeBuilder AddGrain<TInterface, TGrain>()
        where TInterface : IGrainWithStringKey
        where TGrain : Grain, TInterface
    {
        Services.AddSingleton(new GrainClassRegistration(typeof(TInterface), typeof(TGrain)));
        return this;
    }

    /// <summary>Adds an in-memory storage provider (named <paramref name="name"/>).</summary>
    public SiloRuntimeBuilder AddMemoryGrainStorage(string name = PersistentStateAttribute.DefaultStorageName)
    {
        Services.TryAddKeyedSingleton<IGrainStorage>(name, new InMemoryGrainStorage());
        return this;
    }

    /// <summary>Adds a storage provider instance under <paramref name="name"/>.</summary>
    public SiloRuntimeBuilder AddGrainStorage(string name, IGrainStorage storage)
    {
        Services.AddKeyedSingleton(name, storage);
        return this;
    }
}
