using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Silo.Grains.Hosting;

/// <summary>How a process hosts a silo of the gateway: the silo host (<c>src/Silo</c>) and a front end that co-hosts one.</summary>
public static class GatewaySiloHosting
{
    /// <summary>
    /// Binds and validates the settings every gateway process shares (<c>Cluster</c>, <c>Grains</c>, <c>Telemetry</c>); a bad value
    /// stops start-up with a message naming the key.
    /// </summary>
    public static IServiceCollection AddGatewaySettings(this IServiceCollection services)
    {
        services.AddOptions<GatewayClusterOptions>().BindConfiguration(GatewayClusterOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GrainCallOptions>().BindConfiguration(GrainCallOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName);
        services.AddOptions<ClusterOptions>().Configure<IOptions<GatewayClusterOptions>>((o, cluster) =>
        {
            // One name for both: it namespaces the membership table and every stored grain state.
            o.ClusterId = cluster.Value.Id;
            o.ServiceId = cluster.Value.Id;
        });
        return services;
    }

    /// <summary>
    /// Makes <paramref name="silo"/> a silo of the gateway. Without <c>Cluster:Redis</c>: the embedded default, a
    /// single silo on loopback (no gateway port) with in-memory storage. With it: a member of the cluster whose
    /// membership table and grain state live in Redis, at the endpoint the <c>Silo</c> section names.
    /// </summary>
    public static ISiloBuilder AddGatewaySilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var cluster = GatewayClusterOptions.From(configuration);
        var services = silo.Services;
        silo.AddGatewayGrains();

        services.AddGatewaySettings();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloJoinLogger>();
        services.AddHostedService<ShutdownDeadline>();

        // Grain state is stored in Orleans' binary format, versioned by the [Id]s of the state types (Orleans'
        // default JSON format records .NET type names, which the collection types of these states do not survive).
        services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        services.AddOptions<ClusterMembershipOptions>().Configure(FailureDetection.ApplyDefaults).BindConfiguration(FailureDetection.SectionName).ValidateOnStart();
        services.AddOptions<SiloMessagingOptions>().Configure<IOptions<GrainCallOptions>>((o, calls) =>
        {
            o.ResponseTimeout = calls.Value.CallTimeout;
            o.ClientGatewayShutdownNotificationTimeout = calls.Value.GatewayDrain;
        });
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<GrainCallOptions>>((o, calls) => o.CollectionAge = calls.Value.CollectionAge);

        if (!cluster.IsCluster)
        {
            // Nothing outside this process connects to the embedded silo: no gateway port, and a silo port that is
            // free now, so any number of embedded gateways (and tests) run side by side.
            silo.UseLocalhostClustering(siloPort: FreeLoopbackPort(), gatewayPort: 0);
            silo.AddMemoryGrainStorageAsDefault();
            return silo;
        }

        AddRedisCluster(silo, cluster.Redis!);
        return silo;
    }

    /// <summary>Redis membership and grain storage over one shared connection, at the endpoint the <c>Silo</c> section names.</summary>
    private static void AddRedisCluster(ISiloBuilder silo, string redisConfiguration)
    {
        var services = silo.Services;
        var redis = new SharedRedisConnection(redisConfiguration);
        services.AddSingleton(redis);
        silo.UseRedisClustering(o =>
        {
            o.ConfigurationOptions = redis.Options;
            o.CreateMultiplexer = _ => redis.GetAsync();
        });
        silo.AddRedisGrainStorageAsDefault(o =>
        {
            o.ConfigurationOptions = redis.Options;
            o.CreateMultiplexer = _ => redis.GetAsync();
        });
        services.AddOptions<SiloEndpointSettings>()
            .BindConfiguration(SiloEndpointSettings.SectionName)
            .ValidateDataAnnotations()
            .Validate(s => s.Port is not null, "Silo:Port is required in cluster mode: the TCP port for silo-to-silo traffic (e.g. --Silo:Port=11111).")
            .ValidateOnStart();
        services.AddOptions<EndpointOptions>().Configure<IOptions<SiloEndpointSettings>>((o, settings) =>
        {
            var s = settings.Value;
            if (s.Port is not { } port || !IPAddress.TryParse(s.AdvertisedHost, out var advertised))
            {
                return; // reported by the validation of SiloEndpointSettings
            }

            o.AdvertisedIPAddress = advertised;
            o.SiloPort = port;
            o.GatewayPort = s.EffectiveGatewayPort;
            var listen = s.ListenOnAnyAddress ? IPAddress.Any : advertised;
            o.SiloListeningEndpoint = new IPEndPoint(listen, port);
            o.GatewayListeningEndpoint = new IPEndPoint(listen, s.EffectiveGatewayPort);
        });
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
