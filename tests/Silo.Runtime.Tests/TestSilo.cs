using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Silo.Runtime.Activation;
using Silo.Runtime.Hosting;
using Silo.Runtime.Persistence;
using Silo.Runtime.Tests.Grains;
using Silo.TestKit;

namespace Silo.Runtime.Tests;

/// <summary>A silo hosted in the test process on the real generic host, with a fake clock.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host)
    {
        _host = host;
    }

    public FakeTimeProvider Time => (FakeTimeProvider)_host.Services.GetRequiredService<TimeProvider>();

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public GrainProbe Probe => _host.Services.GetRequiredService<GrainProbe>();

    public InMemoryGrainStorage Storage => (InMemoryGrainStorage)_host.Services.GetRequiredKeyedService<IGrainStorage>(PersistentStateAttribute.DefaultStorageName);

    internal Catalog Catalog => _host.Services.GetRequiredService<Catalog>();

    public static async Task<TestSilo> StartAsync(Action<SiloRuntimeOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        builder.Services.AddSingleton<GrainProbe>();
        builder.AddSiloRuntime(silo => silo
            .AddGrain<ICounterGrain, CounterGrain>()
            .AddGrain<ITickerGrain, TickerGrain>()
            .AddMemoryGrainStorage());
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        var host = builder.Build();
        await host.StartAsync().Bounded();
        return new TestSilo(host);
    }

    public Task StopAsync() => _host.StopAsync().Bounded();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().Bounded();
        _host.Dispose();
    }
}
