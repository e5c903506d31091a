using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Silo.Grains.Hosting;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.TestKit;

namespace Silo.Grains.Tests.Infrastructure;

/// <summary>
/// An Orleans in-process cluster of gateway silos, reached through its client, so every call crosses the
/// (in-memory) wire and goes through the serializer as between real processes. Grain time is one
/// <see cref="FakeTimeProvider"/> for all silos (grain timers included); membership, messaging and the runtime's
/// own timers keep real time, so advancing the fake clock never trips failure detection. Grain state lives in a
/// <see cref="SharedGrainStorage"/> that survives a killed silo. Failure detection is tuned as on real silos.
/// </summary>
internal sealed class GatewayCluster : IAsyncDisposable
{
    private GatewayCluster(InProcessTestCluster cluster, FakeTimeProvider time, SharedGrainStorage storage)
    {
        Cluster = cluster;
        Time = time;
        Storage = storage;
    }

    /// <summary>The runtime's own clocks, which stay real while grain time is faked.</summary>
    private static readonly string[] RealTimeAreas =
    [
        TimeProviderNames.Membership, TimeProviderNames.Messaging, TimeProviderNames.SystemTimers,
        TimeProviderNames.ActivationManagement, TimeProviderNames.GrainDirectory,
    ];

    public InProcessTestCluster Cluster { get; }

    public FakeTimeProvider Time { get; }

    public SharedGrainStorage Storage { get; }

    /// <summary>The test's front end: the cluster's client.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Front ends co-hosted in each silo: the grain factory of every active silo.</summary>
    public IReadOnlyList<IGrainFactory> SiloGrainFactories =>
        [.. Cluster.Silos.Where(s => s.IsActive).Select(s => s.ServiceProvider.GetRequiredService<IGrainFactory>())];

    public static async Task<GatewayCluster> StartAsync(short silos = 1, Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var storage = new SharedGrainStorage();
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddGatewayGrains();
            var siloServices = silo.Services;
            siloServices.AddSingleton<TimeProvider>(time);
            foreach (var area in RealTimeAreas)
            {
                siloServices.AddKeyedSingleton(area, TimeProvider.System);
            }

            siloServices.AddOptions<ClusterMembershipOptions>().Configure(FailureDetection.ApplyDefaults);
            siloServices.AddSingleton<IGrainStorage>(sp => storage.For(sp.GetRequiredService<Serializer>())); // the default provider
            services?.Invoke(siloServices);
        });
        builder.ConfigureClient(client => client.Services.AddOptions<ClusterMembershipOptions>().Configure(FailureDetection.ApplyDefaults));
        var cluster = builder.Build();
        await cluster.DeployAsync().Bounded(TimeSpan.FromSeconds(60));
        return new GatewayCluster(cluster, time, storage);
    }

    /// <summary>Creates tenant <c>t1</c> with <paramref name="tenantLimits"/> and one key of it with <paramref name="keyLimits"/>.</summary>
    public async Task<(string KeyId, string Secret)> CreateTenantWithKeyAsync(IReadOnlyList<LimitDefinition> tenantLimits, IReadOnlyList<LimitDefinition> keyLimits)
    {
        var tenant = Grains.GetGrain<ITenantGrain>("t1");
        Assert.True(await tenant.CreateAsync(new TenantDefinition("T1", tenantLimits)).Bounded());
        var (keyId, secret) = TestKeys.Generate();
        Assert.Equal(CreateKeyStatus.Created, await tenant.CreateKeyAsync(keyId, new ApiKeyDefinition("k", keyLimits, [], null), TestKeys.Hash(secret)).Bounded());
        return (keyId, secret);
    }

    /// <summary>The silo holding <paramref name="grain"/>'s activation.</summary>
    public async Task<InProcessSiloHandle> OwnerOfAsync(IAddressable grain)
    {
        var address = await Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain).Bounded();
        return Cluster.Silos.Single(s => s.SiloAddress.Equals(address));
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync().Bounded(TimeSpan.FromSeconds(60));
        await Cluster.DisposeAsync();
    }
}
