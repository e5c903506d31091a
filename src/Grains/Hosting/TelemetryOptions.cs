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
}
