using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Silo.ServiceDefaults;

/// <summary>
/// <c>Telemetry:MetricsPort</c>: <c>/metrics</c> served on a port of its own, and only there, so a scraper can be
/// let in on that port (a Kubernetes NetworkPolicy, a firewall rule) while the gateway's port stays public, and
/// nothing but <c>/metrics</c> answers on it. Unset (the default), <c>/metrics</c> is on the main port.
/// </summary>
public sealed class MetricsPort
{
    public const string Key = "Telemetry:MetricsPort";

    /// <summary>The port, 1-65535; null for the main port.</summary>
    [Range(1, 65535, ErrorMessage = "Telemetry:MetricsPort must be a TCP port between 1 and 65535.")]
    public int? Port { get; set; }

    /// <summary>
    /// When the port is set: listens on it too (on the host of the first <c>Urls</c> entry), and answers 404 to
    /// <c>/metrics</c> elsewhere and to anything else on it. A value that is not a port stops start-up with a line
    /// naming the key.
    /// </summary>
    internal static void Add(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsPort>()
            .Configure(o => o.Port = builder.Configuration.GetValue<int?>(Key))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (!int.TryParse(builder.Configuration[Key], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return;
        }

        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        builder.Configuration[WebHostDefaults.ServerUrlsKey] = string.IsNullOrWhiteSpace(urls)
            ? $"http://localhost:5000;http://localhost:{port}"
            : $"{urls};http://{HostOf(urls)}:{port}";
        builder.Services.AddSingleton<IStartupFilter>(new PortGuard(port));
    }

    // The host part of the first of the ';'-separated URLs: "127.0.0.1", "+", "[::]".
    private static string HostOf(string urls)
    {
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var host = first[(first.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var end = host.LastIndexOf(':');
        return end > 0 && !host.EndsWith(']') ? host[..end] : host.TrimEnd('/');
    }

    /// <summary>First in the pipeline: <c>/metrics</c> only on the metrics port, and nothing else there.</summary>
    private sealed class PortGuard(int port) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, rest) =>
            {
                var onMetricsPort = context.Connection.LocalPort == port;
                var forMetrics = context.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
                if (onMetricsPort != forMetrics)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return rest(context);
            });
            next(app);
        };
    }
}
