using Microsoft.Extensions.Configuration;

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

    /// <summary>Make spans (for an exporter of the host's own); an OTLP endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) turns them on too.</summary>
    public bool Tracing { get; set; }

    /// <summary>Whether the process makes spans: grain calls then carry the trace (Orleans' activity propagation).</summary>
    public static bool TracesIn(IConfiguration configuration) =>
        configuration is not null &&
        (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || configuration.GetValue($"{SectionName}:{nameof(Tracing)}", defaultValue: false));
}
