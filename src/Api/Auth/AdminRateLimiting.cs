using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Silo.Api.Hosting;
using Silo.Api.Errors;

namespace Silo.Api.Auth;

/// <summary>
/// The admin API's own rate limit, per client address and front end (<c>Admin:RequestsPerMinute</c>), so
/// that neither a script gone wrong nor a token guesser can load the grains through it.
/// </summary>
internal static class AdminRateLimiting
{
    public const string PolicyName = "admin";

    public static IServiceCollection AddAdminRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AdminOptions>>((options, admin) =>
        {
            var perMinute = admin.Value.RequestsPerMinute;
            options.AddPolicy(PolicyName, context => RateLimitPartition.GetTokenBucketLimiter(
                context.Connection.RemoteIpAddress ?? IPAddress.None,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = perMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            options.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds))
                    : 60;
                return new ValueTask(Problem.For(
                    GatewayError.RateLimited,
                    string.Create(CultureInfo.InvariantCulture, $"At most {perMinute} admin requests per minute from one address."),
                    retryAfterSeconds: retryAfter).ExecuteAsync(context.HttpContext));
            };
        });
        return services;
    }
}
