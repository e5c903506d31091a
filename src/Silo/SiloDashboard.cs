using System.Net;
using System.Threading.RateLimiting;
using Orleans.Dashboard;
using Silo.ServiceDefaults;

namespace Silo.Host;

/// <summary>
/// The Orleans Dashboard's pages on a silo's HTTP port, at <c>/dashboard</c>, behind HTTP Basic authentication
/// with the admin token (<c>Admin:Token</c>, at least <see cref="AdminToken.MinimumLength"/> characters). With
/// no token configured the silo serves no pages (its counters still feed the front ends' dashboards).
/// </summary>
internal sealed class SiloDashboard : IDisposable
{
    public const string Scheme = "silo-basic";
    public const string Policy = "silo-admin";

    /// <summary>Failed attempts one address may make in a minute before it gets 429 for the rest of it.</summary>
    public const int FailuresPerMinute = 10;

    private readonly AdminToken _token;
    private readonly PartitionedRateLimiter<IPAddress> _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = FailuresPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    private SiloDashboard(AdminToken token) => _token = token;

    /// <summary>
    /// Registers the pages when the dashboard is on and a token is configured; false (with the reason) when the
    /// token is too short to be one.
    /// </summary>
    public static bool TryAdd(WebApplicationBuilder builder, out string problem)
    {
        problem = string.Empty;
        var token = builder.Configuration["Admin:Token"];
        if (!ServiceDefaultsExtensions.DashboardEnabled(builder.Configuration) || string.IsNullOrEmpty(token))
        {
            return true;
        }

        if (token.Length < AdminToken.MinimumLength)
        {
            problem = $"Invalid configuration: Admin:Token must be at least {AdminToken.MinimumLength} characters long.";
            return false;
        }

        builder.Services.AddSingleton(new SiloDashboard(AdminToken.FromConfiguration(token)));
        builder.Services.AddAuthentication(Scheme).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AdminBasicAuthenticationHandler>(Scheme, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return true;
    }

    public static void Map(WebApplication app)
    {
        if (app.Services.GetService<SiloDashboard>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(Policy);
        }
    }

    public bool Matches(string? presented) => _token.Matches(presented);

    /// <summary>Whether <paramref name="address"/> has used up its failed attempts for this minute.</summary>
    public bool IsBlocked(IPAddress? address)
    {
        using var lease = _failures.AttemptAcquire(address ?? IPAddress.None, permitCount: 0);
        return !lease.IsAcquired;
    }

    public void RecordFailure(IPAddress? address) => _failures.AttemptAcquire(address ?? IPAddress.None).Dispose();

    public void Dispose() => _failures.Dispose();
}
