using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Silo.Grains.Cors;
using Silo.Grains.Keys;
using Silo.Grains.Quotas;
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
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<LimitMetrics>();
        builder.Services.TryAddSingleton<IHealthProber, HttpHealthProber>();
        builder.Services.AddOptions<QuotaOptions>().BindConfiguration(QuotaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return builder
            .AddGrain<IApiKeyGrain, ApiKeyGrain>()
            .AddGrain<ITenantGrain, TenantGrain>()
            .AddGrain<IServiceGrain, ServiceGrain>()
            .AddGrain<Idempotency.IIdempotencyGrain, Idempotency.IdempotencyGrain>()
            .AddGrain<ICorsDirectoryGrain, CorsDirectoryGrain>();
    }
}
