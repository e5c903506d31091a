using Microsoft.Extensions.Time.Testing;
using Silo.Api.Telemetry;
using Silo.Grains.Admission;
using Silo.Grains.CircuitBreaking;
using Silo.Grains.RateLimiting;
using Silo.Grains.Telemetry;

namespace Silo.Api.Tests.Telemetry;

/// <summary>A front end's per-second traffic record, with fake time: what is kept, for how long, and how it adds up.</summary>
public sealed class TrafficHistoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Admissions_AreCountedPerSecond_ForTheKeyAndItsTenant_LimitedApart_OtherRefusalsNot()
    {
        var history = new TrafficHistory(_time);
        var start = history.Now;

        history.Admission(Result(AdmissionStatus.Allowed), "k1");
        history.Admission(Result(AdmissionStatus.Allowed), "k1");
        history.Admission(Result(AdmissionStatus.Limited), "k1");
        history.Admission(Result(AdmissionStatus.TenantSuspended), "k1");
        _time.Advance(TimeSpan.FromSeconds(2));
        history.Admission(Result(AdmissionStatus.Allowed), "k2");

        var key = history.Read(TrafficKind.Key, "k1", start, 3);
        Assert.Equal([2, 0, 0], key.Counts);
        Assert.Equal([1, 0, 0], key.Refusals);
        var tenant = history.Read(TrafficKind.Tenant, "t1", start, 3);
        Assert.Equal([2, 0, 1], tenant.Counts);
        Assert.Equal([1, 0, 0], tenant.Refusals);
    }

    [Fact]
    public void ASecondFromAnEarlierLapOfTheRing_ReadsAsNothing_AndAnIdleSubjectIsSwept()
    {
        var history = new TrafficHistory(_time);
        var start = history.Now;
        history.Admission(Result(AdmissionStatus.Allowed), "k1");

        _time.Advance(TimeSpan.FromSeconds(TrafficHistory.Seconds));
        Assert.Equal(0, history.Read(TrafficKind.Key, "k1", history.Now, 1).Counts[0]); // the same slot, a lap later
        Assert.Equal(1, history.Read(TrafficKind.Key, "k1", start, 1).Counts[0]);
        Assert.Equal(2, history.Sweep());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, history.Sweep());
        Assert.Equal(0, history.Read(TrafficKind.Key, "k1", start, 1).Counts[0]);
    }

    [Fact]
    public void AService_HasAttemptsFailuresLatencyAndTheCircuitStateFromEachChangeOn()
    {
        var history = new TrafficHistory(_time);
        var start = history.Now;
        history.Circuit("orders", CircuitState.Closed);
        history.Attempt("orders", failed: false, TimeSpan.FromMilliseconds(3));
        history.Attempt("orders", failed: true, TimeSpan.FromMilliseconds(300));
        _time.Advance(TimeSpan.FromSeconds(2));
        history.Circuit("orders", CircuitState.Open);
        history.Circuit("orders", CircuitState.Open);

        var window = history.Read(TrafficKind.Service, "orders", start - 1, 5);

        Assert.Equal([0, 2, 0, 0, 0], window.Counts);
        Assert.Equal([0, 1, 0, 0, 0], window.Refusals);
        Assert.Equal([-1, 0, 0, 2, 2], window.Circuit);
        var second = window.Latency.AsSpan(LatencyBuckets.Count, LatencyBuckets.Count);
        Assert.InRange(LatencyBuckets.Quantile(second, 0.5)!.Value, 3, 3 * Math.Sqrt(2));
        Assert.InRange(LatencyBuckets.Quantile(second, 0.99)!.Value, 300, 300 * Math.Sqrt(2));
        Assert.Null(LatencyBuckets.Quantile(window.Latency.AsSpan(0, LatencyBuckets.Count), 0.5));
    }

    [Fact]
    public void TwoFrontEndsWindows_AddUp_AndTheCircuitIsTheWorseStateEitherSaw()
    {
        var a = new TrafficWindow(100, [1, 2], [0, 1], new int[2 * LatencyBuckets.Count], [0, 0]);
        var b = new TrafficWindow(100, [3, 0], [1, 0], new int[2 * LatencyBuckets.Count], [-1, 2]);

        var sum = a.Merge(b);

        Assert.Equal([4, 2], sum.Counts);
        Assert.Equal([1, 1], sum.Refusals);
        Assert.Equal([0, 2], sum.Circuit);
        Assert.Throws<ArgumentException>(() => a.Merge(b with { FirstSecond = 101 }));
    }

    private static AdmissionResult Result(AdmissionStatus status) => new(status, "t1", LimitDecision.Unlimited, []);
}
