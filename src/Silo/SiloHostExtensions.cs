using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Silo.Grains;
using Silo.Runtime;
using Silo.Runtime.Cluster;
using Silo.Runtime.Hosting;
using Silo.Runtime.Membership;

namespace Silo.Host;

/// <summary>Wiring of the silo host process: the runtime, the gateway grains, Redis membership and storage.</summary>
internal static class SiloHostExtensions
{
    /// <summary>Registers the silo; false (with the reason) when required settings are missing or invalid.</summary>
    public static bool TryAddSiloHost(this WebApplicationBuilder builder, out string problem)
    {
        var configuration = builder.Configuration;
        var cluster = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        if (string.IsNullOrWhiteSpace(cluster.Redis))
        {
            problem = "Cluster:Redis is required: a silo is a member of a cluster whose membership and grain state live in Redis " +
                      "(e.g. --Cluster:Redis=127.0.0.1:6379). To run Silo on one machine without Redis, use the embedded default: dotnet run --project src/Api";
            return false;
        }

        if (!int.TryParse(configuration["Silo:Port"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problem = "Silo:Port is required: the TCP port for silo-to-silo and client-to-silo traffic (e.g. --Silo:Port=11111).";
            return false;
        }

        var host = configuration["Silo:AdvertisedHost"] ?? "127.0.0.1";
        if (!System.Net.IPAddress.TryParse(host, out _))
        {
            problem = $"Silo:AdvertisedHost must be an IP address (got '{host}').";
            return false;
        }

        // The generation tells this run of the silo from earlier runs on the same endpoint.
        var address = new SiloAddress(host, port, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        builder.AddSiloRuntime(silo => silo.AddGatewayGrains().UseRedisCluster(cluster, address));
        problem = string.Empty;
        return true;
    }

    /// <summary>Operations endpoints: health, and this silo's view of the cluster.</summary>
    public static void MapSiloHost(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/health/ready", (ISiloStatus silo) => silo.IsReady
            ? Results.Json(new { status = "ready" })
            : Results.Json(new { status = "not ready" }, statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/silo/status", (ClusterMembershipService membership, SiloIdentity self, IServiceProvider services) => Results.Json(new
        {
            silo = self.Address.ToString(),
            membershipVersion = membership.Version,
            activeSilos = membership.Placement.Silos.Select(s => s.ToString()),
            activations = services.GetRequiredService<SiloDiagnostics>().ActivationCount,
        }));
        app.MapGet("/silo/owner/{type}/{key}", (string type, string key, ClusterMembershipService membership) =>
            Results.Json(new { owner = membership.Placement.Owner(new GrainId(type, key))?.ToString() }));
    }
}
