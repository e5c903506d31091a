using System.Collections.Concurrent;
using Silo.Grains.Services;

namespace Silo.Api.Routing;

/// <summary>
/// Collects this front end's outcomes per service and endpoint and sends them to the service grain in
/// batches: every <see cref="FlushInterval"/>, or as soon as a service has <see cref="FlushThreshold"/> unsent
/// outcomes. Recording is lock-free (a few interlocked adds per request); a failed send drops its batch (the
/// breaker and outlier detection work on rates, and the next batch carries on).
/// </summary>
public sealed partial class OutcomeReporter : IHostedService, IDisposable
{
    /// <summary>The longest an outcome waits before it is sent. The default value is 100 ms.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A service's unsent outcomes that trigger a send at once. The default value is 100.</summary>
    public const int FlushThreshold = 100;

    private readonly ConcurrentDictionary<string, ServiceOutcomes> _services = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly RoutingTable _routes;
    private readonly TimeProvider _time;
    private readonly ILogger<OutcomeReporter> _logger;
    private ITimer? _timer;

    public OutcomeReporter(IGrainFactory grains, RoutingTable routes, TimeProvider time, ILogger<OutcomeReporter> logger)
    {
        _grains = grains;
        _routes = routes;
        _time = time;
        _logger = logger;
        ReporterId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    }

    /// <summary>This front end's identity in the breaker's quorum.</summary>
    public string ReporterId { get; }

    /// <summary>Counts one outcome of a call to <paramref name="endpointUrl"/> of <paramref name="serviceId"/>.</summary>
    public void Record(string serviceId, string endpointUrl, bool success)
    {
        var service = _services.GetOrAdd(serviceId, static id => new ServiceOutcomes(id));
        if (service.Record(endpointUrl, success) >= FlushThreshold)
        {
            _ = FlushAsync(service);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _time.CreateTimer(static state => ((OutcomeReporter)state!).FlushAll(), this, FlushInterval, FlushInterval);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        // Send what is left, so a rolling restart of front ends loses no outcomes.
        await Task.WhenAll(_services.Values.Select(FlushAsync)).ConfigureAwait(false);
    }

    public void Dispose() => _timer?.Dispose();

    private void FlushAll()
    {
        foreach (var service in _services.Values)
        {
            if (service.Pending > 0)
            {
                _ = FlushAsync(service);
            }
        }
    }

    private async Task FlushAsync(ServiceOutcomes service)
    {
        if (!service.TryBeginFlush())
        {
            return;
        }

        try
        {
            var reports = service.Drain();
            if (reports.Count == 0)
            {
                return;
            }

            var stamp = await _grains.GetGrain<IServiceGrain>(service.ServiceId).ReportAsync(new OutcomeBatch(ReporterId, reports)).ConfigureAwait(false);
            _routes.Observe(service.ServiceId, stamp);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReportFailed(_logger, ex, service.ServiceId);
        }
        finally
        {
            service.EndFlush();
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "Outcome report for service {Service} could not be sent; the batch is dropped")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string service);
}
