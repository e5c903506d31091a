using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Silo.Runtime.Hosting;

namespace Silo.Runtime.Activation;

/// <summary>The services every activation shares, bundled so an activation holds one reference to them.</summary>
internal sealed class RuntimeContext(
    TimeProvider time,
    IOptions<SiloRuntimeOptions> options,
    GrainActivator activator,
    ILoggerFactory loggerFactory,
    IServiceProvider services)
{
    private IGrainFactory? _grainFactory;

    public TimeProvider Time { get; } = time;

    public SiloRuntimeOptions Options { get; } = options.Value;

    public GrainActivator Activator { get; } = activator;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Silo.Runtime.Activation");

    /// <summary>Set by the catalog when it is built (the catalog needs this context, so it cannot be injected here).</summary>
    public Catalog Catalog { get; set; } = null!;

    /// <summary>Resolved on first use: the factory depends (through the invoker) on the catalog, which depends on this.</summary>
    public IGrainFactory GrainFactory => _grainFactory ??= services.GetRequiredService<IGrainFactory>();
}
