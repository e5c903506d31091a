using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Silo.Runtime.Activation;
using Silo.Runtime.Serialization;

namespace Silo.Runtime.Hosting;

public static class SiloRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Hosts a silo in this process: the catalog of activations, the local call path, timeouts and the
    /// lifecycle service that deactivates grains on shutdown. Options bind to the <c>Runtime</c> section.
    /// </summary>
    public static IHostApplicationBuilder AddSiloRuntime(this IHostApplicationBuilder builder, Action<SiloRuntimeBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSiloRuntime(configure);
        builder.Services.AddOptions<SiloRuntimeOptions>().Bind(builder.Configuration.GetSection(SiloRuntimeOptions.SectionName));
        return builder;
    }

    /// <summary>As <see cref="AddSiloRuntime(IHostApplicationBuilder, Action{SiloRuntimeBuilder})"/>, without configuration binding.</summary>
    public static IServiceCollection AddSiloRuntime(this IServiceCollection services, Action<SiloRuntimeBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SiloRuntimeOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(GrainCodec.Default);
        services.TryAddSingleton(sp => new GrainTypeRegistry(sp.GetServices<GrainClassRegistration>()));
        services.TryAddSingleton<GrainActivator>();
        services.TryAddSingleton<RuntimeContext>();
        services.TryAddSingleton<Catalog>();
        services.TryAddSingleton(sp => new SiloDiagnostics(sp.GetRequiredService<Catalog>()));
        services.TryAddSingleton<CallTimeoutMonitor>();
        services.TryAddSingleton<IGrainCallInvoker, LocalGrainCallInvoker>();
        services.TryAddSingleton<IGrainFactory>(sp => new GrainFactory(sp.GetRequiredService<IGrainCallInvoker>()));
        services.TryAddSingleton<SiloLifecycleService>();
        services.TryAddSingleton<ISiloStatus>(sp => sp.GetRequiredService<SiloLifecycleService>());
        services.AddHostedService(sp => sp.GetRequiredService<SiloLifecycleService>());
        configure(new SiloRuntimeBuilder(services));
        return services;
    }
}
