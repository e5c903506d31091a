using System.ComponentModel.DataAnnotations;

namespace Silo.Grains.Hosting;

/// <summary>Bounds on grain calls and activations (configuration section <c>Grains</c>).</summary>
public sealed class GrainCallOptions
{
    public const string SectionName = "Grains";

    /// <summary>
    /// How long any grain call may take before the caller gives up: Orleans' response timeout on silos and on
    /// front ends. A front end whose silo died mid-call answers 503 <c>gateway-unavailable</c> with
    /// <c>Retry-After</c> after at most this long instead of hanging (Orleans' own default is 30 s).
    /// The default value is 2 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Grains:CallTimeout must be between 00:00:00.100 and 00:05:00.")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// An activation that served no call for this long is deactivated (short windows it held are forgotten;
    /// durable ones were checkpointed). The default value is 15 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:01", "7.00:00:00", ErrorMessage = "Grains:CollectionAge must be between 00:01:01 and 7.00:00:00.")]
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a stopping silo goes on serving after it told the client front ends to send through other
    /// gateways, before it deactivates its grains and closes its gateway. An Orleans client does not fail the
    /// calls whose answers were lost with a closed gateway connection: each waits its whole
    /// <see cref="CallTimeout"/>, then answers 503. The pause lets the calls already on their way through this
    /// gateway come back first (Orleans' <c>ClientGatewayShutdownNotificationTimeout</c>, zero by default).
    /// Silos with a gateway only; adds that much to each graceful stop. The default value is 1 second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "Grains:GatewayDrain must be between 00:00:00 and 00:00:10.")]
    public TimeSpan GatewayDrain { get; set; } = TimeSpan.FromSeconds(1);
}
