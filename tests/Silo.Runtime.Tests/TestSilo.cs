using Microsoft.Extensions.DependencyInjection;
using Silo.Runtime.Activation;
using Silo.Runtime.Hosting;
using Silo.Runtime.Persistence;
using Silo.Runtime.Tests.Grains;
using Silo.TestKit;

namespace Silo.Runtime.Tests;

/// <summary>An in-process silo with the runtime's test grains and a probe they report to.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly InProcessSilo _silo;

    private TestSilo(InProcessSilo silo)
    {
        _silo = silo;
    }

    public FakeTimeProvider Time => _silo.Time;

    public IGrainFactory Grains => _silo.Grains;

    public GrainProbe Probe => _silo.Services.GetRequiredService<GrainProbe>();

    public InMemoryGrainStorage Storage => (InMemoryGrainStorage)_silo.Services.GetRequiredKeyedService<IGrainStorage>(PersistentStateAttribute.DefaultStorageName);

    internal Catalog Catalog => _silo.Services.GetRequiredService<Catalog>();

    public static async Task<TestSilo> StartAsync(Action<SiloRuntimeOptions>? configure = null) =>
        new(await InProcessSilo.StartAsync(
            silo => silo
                .AddGrain<ICounterGrain, CounterGrain>()
                .AddGrain<ITickerGrain, TickerGrain>()
                .AddMemoryGrainStorage(),
            services => services.AddSingleton<GrainProbe>(),
            configure));

    public ValueTask DisposeAsync() => _silo.DisposeAsync();
}
