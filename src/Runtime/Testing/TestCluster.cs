using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Silo.Runtime.Cluster;
using Silo.Runtime.Hosting;
using Silo.Runtime.Membership;
using Silo.Runtime.Persistence;

namespace Silo.Runtime.Testing;

/// <summary>
/// Several silos and clients in one process, like Orleans' TestingHost: each silo is its own generic host
/// with its own catalog and its own loopback port, and all share one in-memory membership table and one
/// in-memory grain storage (standing in for Redis). Calls between them go over real TCP connections.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Action<SiloRuntimeBuilder> _configureSilo;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly List<IHost> _clients = [];
    private readonly ClusterOptions _options;

    private TestCluster(Action<SiloRuntimeBuilder> configureSilo, Action<IServiceCollection>? configureServices, ClusterOptions options)
    {
        _configureSilo = configureSilo;
        _configureServices = configureServices;
        _options = options;
    }

    public InMemoryMembershipTable Table { get; } = new();

    public InMemoryGrainStorage Storage { get; } = new();

    private readonly List<IHost> _silos = [];

    public IReadOnlyList<IHost> Silos => _silos;

    /// <summary>Starts <paramref name="silos"/> silos; <paramref name="configureSilo"/> registers grains on each.</summary>
    public static async Task<TestCluster> StartAsync(int silos, Action<SiloRuntimeBuilder> configureSilo, Action<IServiceCollection>? configureServices = null, ClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configureSilo);
        var cluster = new TestCluster(configureSilo, configureServices, options ?? new ClusterOptions { Id = "test", ShutdownDrain = TimeSpan.FromMilliseconds(200) });
        for (var i = 0; i < silos; i++)
        {
            await cluster.StartSiloAsync().ConfigureAwait(false);
        }

        return cluster;
    }

    /// <summary>Starts one more silo (a join).</summary>
    public async Task<IHost> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        _configureServices?.Invoke(builder.Services);
        var address = new SiloAddress("127.0.0.1", FreePort(), TimeProvider.System.GetUtcNow().Ticks + _silos.Count);
        builder.AddSiloRuntime(silo =>
        {
            _configureSilo(silo);
            silo.AddGrainStorage(PersistentStateAttribute.DefaultStorageName, Storage);
            silo.UseCluster(_options, address, _ => Table);
        });
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        _silos.Add(host);
        return host;
    }

    /// <summary>A client (a front end's view of the cluster): calls go to the owning silo.</summary>
    public async Task<IGrainFactory> CreateClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        _configureServices?.Invoke(builder.Services);
        builder.Services.AddClusterClient(_options, _ => Table);
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        _clients.Add(host);
        return host.Services.GetRequiredService<IGrainFactory>();
    }

    /// <summary>The silo address of a silo host.</summary>
    public static SiloAddress AddressOf(IHost silo) => silo.Services.GetRequiredService<SiloIdentity>().Address;

    /// <summary>Where a silo (or client) believes the grain lives.</summary>
    public static SiloAddress? OwnerSeenBy(IHost host, GrainId grainId) =>
        host.Services.GetRequiredService<ClusterMembershipService>().Placement.Owner(grainId);

    /// <summary>Stops a silo gracefully (ShuttingDown, flush, Dead).</summary>
    public async Task StopSiloAsync(IHost silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        await silo.StopAsync().ConfigureAwait(false);
        silo.Dispose();
        _silos.Remove(silo);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.StopAsync().ConfigureAwait(false);
            client.Dispose();
        }

        foreach (var silo in _silos.ToArray())
        {
            await StopSiloAsync(silo).ConfigureAwait(false);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
