using System.Net;
using Silo.Api.Telemetry;

namespace Silo.Api.Auth;

/// <summary>
/// Failed authentications, of the admin token and of API keys, apart from any tenant's audit trail (strangers
/// must not be able to write into a tenant's history). Aggregated per kind and client address per
/// <see cref="Interval"/>: an address's first failure in an interval is logged at once (category
/// <c>Silo.Security</c>, Warning), the rest are counted and logged as one line when the interval ends. At most
/// <see cref="MaxAddressesPerInterval"/> addresses are told apart per interval; more are counted together.
/// Every failure counts in the metric <c>silo.gateway.authentication.failures</c> (tag <c>kind</c>:
/// <c>admin</c> or <c>api-key</c>, <see cref="GatewayMetrics"/>). The presented token or key is never written anywhere.
/// </summary>
public sealed partial class SecurityLog : IDisposable
{
    public const string LoggerCategory = "Silo.Security";
    public const int MaxAddressesPerInterval = 10_000;
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private Dictionary<(string Kind, string Address), int> _counts = [];
    private int _uncounted;

    public SecurityLog(TimeProvider time, GatewayMetrics metrics, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _logger = loggers.CreateLogger(LoggerCategory);
        _timer = time.CreateTimer(static state => ((SecurityLog)state!).Flush(), this, Interval, Interval);
    }

    /// <summary>Failed admin authentications.</summary>
    public void AdminFailed(IPAddress? address, string method, PathString path) => Record("admin", address, method, path);

    /// <summary>Failed API key authentications (no key, a malformed or unknown one, a wrong secret, a revoked key).</summary>
    public void ApiKeyFailed(IPAddress? address, string method, PathString path) => Record("api-key", address, method, path);

    /// <summary>Refused JWT bearer tokens, by reason (<c>jwt-invalid</c>, <c>jwt-unknown-issuer</c>, …).</summary>
    public void TokenFailed(IPAddress? address, string method, PathString path, string reason) => Record("jwt-" + reason, address, method, path);

    private void Record(string kind, IPAddress? address, string method, PathString path)
    {
        _metrics.AuthenticationFailed(kind);
        var from = address?.ToString() ?? "unknown";
        bool first;
        lock (_lock)
        {
            if (_counts.TryGetValue((kind, from), out var count))
            {
                _counts[(kind, from)] = count + 1;
                first = false;
            }
            else if (_counts.Count < MaxAddressesPerInterval)
            {
                _counts[(kind, from)] = 1;
                first = true;
            }
            else
            {
                _uncounted++;
                first = false;
            }
        }

        if (first)
        {
            LogFirstFailure(_logger, kind, from, method, path);
        }
    }

    /// <summary>Ends the interval: one line per address that failed more than once, one for the addresses not told apart.</summary>
    internal void Flush()
    {
        Dictionary<(string Kind, string Address), int> counts;
        int uncounted;
        lock (_lock)
        {
            (counts, _counts) = (_counts, []);
            (uncounted, _uncounted) = (_uncounted, 0);
        }

        var seconds = (int)Interval.TotalSeconds;
        foreach (var ((kind, address), count) in counts)
        {
            if (count > 1)
            {
                LogRepeatedFailures(_logger, count - 1, kind, address, seconds);
            }
        }

        if (uncounted > 0)
        {
            LogUncountedFailures(_logger, uncounted, seconds, MaxAddressesPerInterval);
        }
    }

    public void Dispose() => _timer.Dispose();

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Failed {Kind} authentication from {RemoteAddress} for {Method} {Path}; further failures from it are counted until the interval ends")]
    private static partial void LogFirstFailure(ILogger logger, string kind, string remoteAddress, string method, PathString path);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "{Count} more failed {Kind} authentications from {RemoteAddress} in the last {Seconds} s")]
    private static partial void LogRepeatedFailures(ILogger logger, int count, string kind, string remoteAddress, int seconds);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "{Count} failed authentications in the last {Seconds} s from addresses beyond the first {Max}")]
    private static partial void LogUncountedFailures(ILogger logger, int count, int seconds, int max);
}
