using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Silo.Runtime.Cluster;
using Silo.Runtime.Membership;
using Silo.Runtime.Persistence;
using Silo.Runtime.Redis;
using Silo.Runtime.Serialization;
using Silo.Runtime.Transport;

namespace Silo.Runtime.Hosting;

public static class ClusterHostingExtensions
{
    /// <summary>
    /// Makes this silo a member of the cluster whose membership table and grain storage are in Redis
    /// (<see cref="ClusterOptions.Redis"/>), listening for silo connections at <paramref name="address"/>.
    /// </summary>
    public static SiloRuntimeBuilder UseRedisCluster(this SiloRuntimeBuilder builder, ClusterOptions cluster, SiloAddress address)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        AddRedis(builder.Services, cluster);
        builder.Services.AddKeyedSingleton<IGrainStorage>(
            PersistentStateAttribute.DefaultStorageName,
            (sp, _) => new RedisGrainStorage(sp.GetRequiredService<RedisClient>(), cluster.Id));
        return builder.UseCluster(cluster, address, sp => RedisTable(sp, cluster));
    }

    /// <summary>Makes this silo a cluster member with the given membership table (in-memory for in-process test clusters).</summary>
    public static SiloRuntimeBuilder UseCluster(this SiloRuntimeBuilder builder, ClusterOptions cluster, SiloAddress address, Func<IServiceProvider, IMembershipTable> table)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddClusterCore(services, cluster, table);
        services.AddSingleton(new SiloIdentity(address));
        services.TryAddSingleton<SiloRequestHandler>();
        services.TryAddSingleton<SiloListener>();
        services.TryAddSingleton<SiloMembershipAgent>();
        services.Replace(ServiceDescriptor.Singleton<ISiloStatus>(sp => sp.GetRequiredService<SiloMembershipAgent>()));
        services.AddHostedService(sp => sp.GetRequiredService<SiloMembershipAgent>());
        return builder;
    }

    /// <summary>Makes this process a cluster client (a front end with no grains of its own) of a Redis-backed cluster.</summary>
    public static IServiceCollection AddRedisClusterClient(this IServiceCollection services, ClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        AddRedis(services, cluster);
        return services.AddClusterClient(cluster, sp => RedisTable(sp, cluster));
    }

    /// <summary>Makes this process a cluster client with the given membership table.</summary>
    public static IServiceCollection AddClusterClient(this IServiceCollection services, ClusterOptions cluster, Func<IServiceProvider, IMembershipTable> table)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SiloRuntimeOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(GrainCodec.Default);
        services.TryAddSingleton<CallTimeoutMonitor>();
        services.TryAddSingleton<IGrainFactory>(sp => new GrainFactory(sp.GetRequiredService<IGrainCallInvoker>()));
        AddClusterCore(services, cluster, table);
        services.TryAddSingleton<ClusterClientService>();
        services.TryAddSingleton<ISiloStatus>(sp => sp.GetRequiredService<ClusterClientService>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterClientService>());
        return services;
    }

    private static void AddClusterCore(IServiceCollection services, ClusterOptions cluster, Func<IServiceProvider, IMembershipTable> table)
    {
        services.AddSingleton<IOptions<ClusterOptions>>(Options.Create(cluster));
        services.TryAddSingleton(table);
        services.TryAddSingleton<ClusterMembershipService>();
        services.TryAddSingleton<ClusterConnections>();
        services.Replace(ServiceDescriptor.Singleton<IGrainCallInvoker, ClusterGrainCallInvoker>());
    }

    private static void AddRedis(IServiceCollection services, ClusterOptions cluster)
    {
        if (string.IsNullOrWhiteSpace(cluster.Redis))
        {
            throw new InvalidOperationException("Cluster:Redis is required for a Redis cluster (host:port[,password=…]).");
        }

        var redis = RedisOptions.Parse(cluster.Redis);
        services.TryAddSingleton(sp => new RedisClient(redis, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisClient>>()));
    }

    private static RedisMembershipTable RedisTable(IServiceProvider services, ClusterOptions cluster) =>
        new(
            services.GetRequiredService<RedisClient>(),
            cluster.Id,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<RedisMembershipTable>());
}
