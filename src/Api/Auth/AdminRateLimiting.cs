using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Silo.Api.Errors;

namespace Silo.Api.Auth;

/// <summary>
/// The admin API's own rate limit, per client address and front end (<c>Admin:RequestsPerMinute</c>), so
/// that neither a script gone wrong nor a token guesser can load the grains through it.
/// </summary>
internal static class AdminRateLimiting
{
    public const string PolicyName = "admin";

    /// <summary>
    /// Admin requests an address may make per minute (100 a second: room for provisioning scripts, a wall for
    /// floods). The default value is 6000.
    /// </summary>
    public const int DefaultPerMinute = 6000;

    public static IServiceCollection AddAdminRateLimiting(this IServiceCollection services, int perMinute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perMinute, 1);
        return services.AddRateLimiter(options =>
        {
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
    }
}
