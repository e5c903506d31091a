namespace Silo.Grains.Hosting;

/// <summary>What the gateway's metrics may carry (configuration section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Label gateway and limit metrics with the tenant id. Off by default: one series per tenant is fine for
    /// tens of tenants and ruinous for a metrics backend with thousands. Key ids are never a label.
    /// </summary>
    public bool TenantLabels { get; set; }

    /// <summary>
    /// A front end's request log line (category <c>Silo.Requests</c>) is written at Information when the answer
    /// was not 2xx or took at least this long, and at Debug otherwise: a busy gateway's log holds what needs a
    /// look, and <c>Logging:LogLevel:Silo.Requests=Debug</c> shows every request. The default value is 1 second.
    /// </summary>
    public TimeSpan SlowRequest { get; set; } = TimeSpan.FromSeconds(1);
}
