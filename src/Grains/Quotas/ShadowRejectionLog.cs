using Microsoft.Extensions.Logging;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Quotas;

/// <summary>
/// Reports a shadow limit's would-be rejections: every one to the metric, and a log line per limit at most
/// once a minute (with the count since the last line), so a busy key cannot flood the log.
/// </summary>
internal sealed partial class ShadowRejectionLog(LimitMetrics metrics, TimeProvider time, ILogger logger, string scope, string owner, string tenant)
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (long LastLogged, long Unlogged)> _byLimit = new(StringComparer.Ordinal);

    public void Report(LimitDefinition limit)
    {
        metrics.ShadowRejection(scope, tenant, limit);
        var now = time.GetTimestamp();
        if (_byLimit.TryGetValue(limit.Name, out var entry) && time.GetElapsedTime(entry.LastLogged, now) < LogEvery)
        {
            _byLimit[limit.Name] = (entry.LastLogged, entry.Unlogged + 1);
            return;
        }

        _byLimit[limit.Name] = (now, 0);
        LogShadowRejection(logger, scope, owner, limit.Name, (entry.Unlogged) + 1);
    }

    [LoggerMessage(EventId = 822, Level = LogLevel.Information, Message = "Shadow limit {Limit} of {Scope} {Owner} would have rejected {Count} request(s)")]
    private static partial void LogShadowRejection(ILogger logger, string scope, string owner, string limit, long count);
}
