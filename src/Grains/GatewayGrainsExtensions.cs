using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Silo.Grains.Idempotency;
using Silo.Grains.Identity;
using Silo.Grains.Quotas;
using Silo.Grains.Services;
using Silo.Grains.Tenants;

namespace Silo.Grains;

public static class GatewayGrainsExtensions
{
    /// <summary>
    /// The services the gateway's grains (keys, tenants, services, idempotency records, the CORS directory)
    /// need on a silo. Orleans finds the grain classes themselves in this assembly.
    /// </summary>
    public static ISiloBuilder AddGatewayGrains(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<LimitMetrics>();
        builder.Services.TryAddSingleton<IHealthProber, HttpHealthProber>();
        builder.Services.TryAddSingleton<JwksFetcher>();
        builder.Services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<QuotaOptions>().BindConfiguration(QuotaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<RecordedResponseBudget>();
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
