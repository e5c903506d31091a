using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Silo.Runtime;
using Silo.Runtime.Hosting;

namespace Silo.TestKit;

/// <summary>A silo on the real generic host inside the test process, with a <see cref="FakeTimeProvider"/>.</summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private InProcessSilo(IHost host)
    {
        _host = host;
    }

    public IServiceProvider Services => _host.Services;

    public FakeTimeProvider Time => (FakeTimeProvider)_host.Services.GetRequiredService<TimeProvider>();

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<InProcessSilo> StartAsync(
        Action<SiloRuntimeBuilder> grains,
        Action<IServiceCollection>? services = null,
        Action<SiloRuntimeOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        builder.AddSiloRuntime(grains);
        services?.Invoke(builder.Services);
        if (options is not null)
        {
            builder.Services.Configure(options);
        }

        var host = builder.Build();
        await host.StartAsync().Bounded();
        return new InProcessSilo(host);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync().Bounded();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
