using Silo.Grains.Keys;
using Silo.Grains.Services;
using Silo.Grains.Tenants;
using Silo.Runtime.Hosting;

namespace Silo.Grains;

public static class GatewayGrainsExtensions
{
    /// <summary>Lets this silo activate the gateway's grains: keys, tenants and services.</summary>
    public static SiloRuntimeBuilder AddGatewayGrains(this SiloRuntimeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddGrain<IApiKeyGrain, ApiKeyGrain>()
            .AddGrain<ITenantGrain, TenantGrain>()
            .AddGrain<IServiceGrain, ServiceGrain>();
    }
}
