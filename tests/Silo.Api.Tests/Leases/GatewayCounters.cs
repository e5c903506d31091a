using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Silo.Api.Telemetry;

namespace Silo.Api.Tests.Leases;

/// <summary>
/// Sums of the gateway's counters of one front end, read as they are recorded (a <see cref="MeterListener"/> on
/// that host's meter, told apart from other hosts in the test process by its meter factory), so a test reads
/// exact counts with no scrape cache in between.
/// </summary>
internal sealed class GatewayCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public GatewayCounters(IServiceProvider services)
    {
        var scope = services.GetRequiredService<IMeterFactory>();
        services.GetRequiredService<GatewayMetrics>(); // the instruments exist before the listener starts
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            foreach (var tag in tags)
            {
                _sums.AddOrUpdate($"{instrument.Name}{{{tag.Key}={tag.Value}}}", value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    /// <summary>The counter's sum so far, over all series or over those with one tag (<c>name{key=value}</c>).</summary>
    public long this[string series] => _sums.GetValueOrDefault(series);

    public void Dispose() => _listener.Dispose();
}
