using System.Net;
using System.Threading.RateLimiting;

namespace Silo.Api.Auth;

/// <summary>
/// Limits failed authentications per client address, so guessing keys gets 429 long before it gets
/// anywhere. Only failures spend the budget; once an address has none left, its requests are refused
/// before any key is looked at (and so before any grain call). Counted per front end. The data plane and the
/// admin API each have their own (the admin one is the keyed service <see cref="Admin"/>), so neither's
/// failures spend the other's budget.
/// </summary>
public sealed class FailedAuthenticationLimiter : IDisposable
{
    /// <summary>Service key of the admin API's limiter.</summary>
    public const string Admin = "admin";

    /// <summary>Failed attempts an address may make per minute. The default value is 30.</summary>
    public const int DefaultPerMinute = 30;

    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public FailedAuthenticationLimiter(int perMinute = DefaultPerMinute)
    {
        PerMinute = perMinute;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public int PerMinute { get; }

    /// <summary>True when <paramref name="address"/> has spent its budget of failures.</summary>
    public bool IsBlocked(IPAddress? address) =>
        address is not null && _limiter.GetStatistics(address) is { CurrentAvailablePermits: <= 0 };

    /// <summary>Counts one failed authentication from <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address)
    {
        if (address is not null)
        {
            using var lease = _limiter.AttemptAcquire(address);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
