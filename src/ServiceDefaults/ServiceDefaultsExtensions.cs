using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace Silo.ServiceDefaults;

/// <summary>
/// The set-up every Silo process shares (the shape of .NET Aspire's ServiceDefaults): OpenTelemetry metrics
/// exported as Prometheus text at <c>/metrics</c> and over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set,
/// traces (see <see cref="Traces"/>) over OTLP when it is set, and logs written by Serilog — compact JSON on stdout, plain text in
/// Development (<c>Telemetry:LogFormat</c> = <c>json</c> | <c>text</c> overrides). Log levels stay
/// <c>Logging:LogLevel:…</c>, read again when the settings file changes, so they can be raised or lowered
/// without a restart.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Meters exported besides ASP.NET Core's, Kestrel's, HttpClient's and the runtime's.</summary>
    public static readonly IReadOnlyList<string> Meters = ["Microsoft.Orleans", "Silo.Gateway", "Silo.Grains.Limits"];

    /// <summary>Activity sources traced besides ASP.NET Core's and HttpClient's.</summary>
    public static readonly IReadOnlyList<string> ActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddLogging(builder);
        AddTelemetry(builder, serviceName);
        if (TelemetryEnabled(builder.Configuration))
        {
            MetricsPort.Add(builder);
        }

        builder.Services.AddHealthChecks().AddCheck<ShutdownCheck>("shutdown", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    /// <summary>Maps <c>/health/live</c>, <c>/health/ready</c> (<see cref="HealthEndpoints"/>) and <c>/metrics</c> (Prometheus text format) unless telemetry is off.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        HealthEndpoints.Map(app);
        if (TelemetryEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint();
        }

        return app;
    }

    /// <summary><c>Telemetry:Enabled</c> (default true): metrics collected and <c>/metrics</c> mapped.</summary>
    private static bool TelemetryEnabled(IConfiguration configuration) => configuration.GetValue("Telemetry:Enabled", defaultValue: true);

    /// <summary><c>Dashboard:Enabled</c> (default true): the Orleans Dashboard's counters on silos and its pages on front ends.</summary>
    public static bool DashboardEnabled(IConfiguration configuration) =>
        configuration?.GetValue("Dashboard:Enabled", defaultValue: true) ?? true;

    /// <summary>
    /// Whether spans are made (hosts then also turn on Orleans' activity propagation, so grain calls carry the trace): with an OTLP endpoint to send them to, or with <c>Telemetry:Tracing=true</c> (an
    /// exporter of the host's own). Otherwise no span is created, so an unobserved process pays nothing for them.
    /// </summary>
    public static bool Traces(IConfiguration configuration) =>
        configuration is not null &&
        (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || configuration.GetValue("Telemetry:Tracing", defaultValue: false));

    private static void AddLogging(IHostApplicationBuilder builder)
    {
        var format = builder.Configuration["Telemetry:LogFormat"] ?? (builder.Environment.IsDevelopment() ? "text" : "json");
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Verbose() // the levels are Logging:LogLevel's, applied before an event reaches Serilog
            .Filter.ByExcluding(WatchdogStartupRace.ForThisProcess(TimeProvider.System).IsFalseStall)
            .Enrich.FromLogContext();
        configuration = string.Equals(format, "text", StringComparison.OrdinalIgnoreCase)
            ? configuration.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            : configuration.WriteTo.Console(new RenderedCompactJsonFormatter());
        builder.Logging.ClearProviders();

        // Registered as a plain provider: Serilog's AddSerilog would add a Trace-level rule of its own that
        // overrides Logging:LogLevel.
        builder.Services.AddSingleton<ILoggerProvider>(new Serilog.Extensions.Logging.SerilogLoggerProvider(configuration.CreateLogger(), dispose: true));
    }

    private static void AddTelemetry(IHostApplicationBuilder builder, string serviceName)
    {
        // Telemetry:Enabled=false leaves every instrument unobserved (for measuring what telemetry costs).
        if (!TelemetryEnabled(builder.Configuration))
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([.. Meters])
                .AddPrometheusExporter());
        if (Traces(builder.Configuration))
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(services => RequestTraceSampler.FromConfiguration(services.GetRequiredService<IConfiguration>()))
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsOperations(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource([.. ActivitySources]));
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }

    private static bool IsOperations(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
