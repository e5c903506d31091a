using BenchmarkDotNet.Attributes;
using Silo.Api.Telemetry;
using Silo.Grains.Admission;
using Silo.Grains.RateLimiting;

namespace Silo.Benchmarks;

/// <summary>
/// What the console's traffic record adds to every admission on a front end (two per-second counters, the key's
/// and its tenant's): one hot key, and 1,000 keys in turn; the baseline is one plain interlocked increment.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TrafficHistoryBenchmarks
{
    private static readonly AdmissionResult Allowed = new(AdmissionStatus.Allowed, "tenant", LimitDecision.Unlimited, []);
    private readonly TrafficHistory _history = new(TimeProvider.System);
    private readonly string[] _keys = [.. Enumerable.Range(0, 1000).Select(i => $"key{i:D4}abcdef")];
    private int _next;
    private long _plain;

    [Benchmark(Baseline = true)]
    public long PlainCounter() => Interlocked.Increment(ref _plain);

    [Benchmark]
    public void HotKey() => _history.Admission(Allowed, _keys[0]);

    [Benchmark]
    public void ThousandKeys() => _history.Admission(Allowed, _keys[_next++ % _keys.Length]);
}
