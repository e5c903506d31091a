using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Silo.ServiceDefaults;

/// <summary>
/// <c>/health/live</c> (the process answers; no check runs) and <c>/health/ready</c> (every health check tagged
/// <see cref="ReadyTag"/>: the host adds its own — a silo is Active, a front end reaches grains — and
/// <see cref="ShutdownCheck"/> turns it not-ready as soon as shutdown begins). The body is
/// <c>{"status":"ready"|"starting"|"stopping", …the checks' data}</c>; 503 when not ready.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    internal static void Map(WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (context, _) => context.Response.WriteAsJsonAsync(new Dictionary<string, object>(StringComparer.Ordinal) { ["status"] = "live" }),
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        });
    }

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var body = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["status"] = report.Status == HealthStatus.Healthy ? "ready"
                : report.Entries.Values.Any(e => e.Data.ContainsKey(ShutdownCheck.StoppingKey)) ? "stopping"
                : "starting",
        };
        foreach (var entry in report.Entries.Values)
        {
            foreach (var (name, value) in entry.Data)
            {
                body[name] = value;
            }
        }

        return context.Response.WriteAsJsonAsync(body, JsonSerializerOptions.Web);
    }
}
