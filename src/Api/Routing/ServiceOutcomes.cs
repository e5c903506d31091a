using System.Collections.Concurrent;
using Silo.Grains.Services;

namespace Silo.Api.Routing;

/// <summary>One service's unsent outcomes on this front end, per endpoint. Thread-safe without locks.</summary>
internal sealed class ServiceOutcomes(string serviceId)
{
    private readonly ConcurrentDictionary<string, Counters> _endpoints = new(StringComparer.Ordinal);
    private int _pending;
    private int _flushing;

    public string ServiceId { get; } = serviceId;

    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Counts one outcome; returns the number of unsent outcomes of the service.</summary>
    public int Record(string endpointUrl, bool success)
    {
        var counters = _endpoints.GetOrAdd(endpointUrl, static _ => new Counters());
        if (success)
        {
            Interlocked.Increment(ref counters.Successes);
            Volatile.Write(ref counters.Trailing, 0);
        }
        else
        {
            Interlocked.Increment(ref counters.Failures);
            Interlocked.Increment(ref counters.Trailing);
        }

        return Interlocked.Increment(ref _pending);
    }

    public bool TryBeginFlush() => Interlocked.Exchange(ref _flushing, 1) == 0;

    public void EndFlush() => Volatile.Write(ref _flushing, 0);

    /// <summary>Takes the counts so far and starts new ones (counts racing with the take land in the next batch).</summary>
    public List<EndpointReport> Drain()
    {
        Interlocked.Exchange(ref _pending, 0);
        var reports = new List<EndpointReport>(_endpoints.Count);
        foreach (var (url, counters) in _endpoints)
        {
            var successes = Interlocked.Exchange(ref counters.Successes, 0);
            var failures = Interlocked.Exchange(ref counters.Failures, 0);
            var trailing = Interlocked.Exchange(ref counters.Trailing, 0);
            if (successes + failures > 0)
            {
                reports.Add(new EndpointReport(url, successes, failures, Math.Min(trailing, failures)));
            }
        }

        return reports;
    }

    private sealed class Counters
    {
        public int Successes;
        public int Failures;
        public int Trailing;
    }
}
