using System.ComponentModel.DataAnnotations;

namespace Silo.Runtime.Hosting;

/// <summary>Options of the grain runtime (configuration section <c>Runtime</c>).</summary>
public sealed class SiloRuntimeOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Runtime";

    /// <summary>How long a caller waits for a grain call before it fails with <see cref="TimeoutException"/>. The default value is 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An activation that served no call for this long is deactivated. The default value is 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. The default value is 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Bound on reading state plus OnActivateAsync. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on OnDeactivateAsync (flushing state). The default value is 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends local calls through the codec (arguments and results are serialized and copied), as a call to
    /// another silo would. Off by default: local calls pass references. Tests turn it on to prove that
    /// every grain interface survives the wire.
    /// </summary>
    public bool SerializeLocalCalls { get; set; }
}
