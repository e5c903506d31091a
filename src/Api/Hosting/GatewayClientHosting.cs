using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Silo.Grains.Hosting;

namespace Silo.Api.Hosting;

/// <summary>A front end as an Orleans client of the silos registered in Redis (cluster mode without a co-hosted silo).</summary>
internal static class GatewayClientHosting
{
    /// <summary>How often the client re-reads the list of gateways from the membership table (Orleans' default is a minute).</summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(2);

    /// <summary>How long the front end waits between attempts to reach the cluster at start-up.</summary>
    public static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromSeconds(1);

    public static IClientBuilder AddGatewayClient(this IClientBuilder client, GatewayClusterOptions cluster)
    {
        var services = client.Services;
        services.AddGatewaySettings();
        var redis = new SharedRedisConnection(cluster.Redis!);
        services.AddSingleton(redis);
        client.UseRedisClustering(o =>
        {
            o.ConfigurationOptions = redis.Options;
            o.CreateMultiplexer = _ => redis.GetAsync();
        });
        services.AddOptions<ClientMessagingOptions>().Configure<IOptions<GrainCallOptions>>((o, calls) => o.ResponseTimeout = calls.Value.CallTimeout);
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefreshPeriod);

        // A front end started before its silos keeps trying until they are up (or the host stops).
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            await Task.Delay(ConnectRetryDelay, cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        });
        services.AddSingleton<GatewayConnections>();
        client.AddGatewayCountChangedHandler(sp => (_, e) => sp.GetRequiredService<GatewayConnections>().Update(e.NumberOfConnectedGateways));
        return client;
    }
}
