using Microsoft.Extensions.Time.Testing;
using Silo.Grains.CircuitBreaking;
using Silo.TestKit;

namespace Silo.Grains.Tests.CircuitBreaking;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new();

    private CircuitBreaker Create(
        double failureRatio = 0.5,
        int minimumThroughput = 20,
        int samplingSeconds = 30,
        int breakSeconds = 5,
        int minimumReporters = 1) =>
        new(
            new CircuitBreakerOptions
            {
                FailureRatio = failureRatio,
                MinimumThroughput = minimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(samplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(breakSeconds),
                MinimumReporters = minimumReporters,
            },
            _time);

    private CircuitBreaker CreateOpen(int breakSeconds = 5)
    {
        var breaker = Create(minimumThroughput: 2, breakSeconds: breakSeconds);
        Assert.Equal(CircuitState.Open, breaker.Record("fe", successes: 0, failures: 2));
        return breaker;
    }

    [Fact]
    public void Options_Defaults_MatchTheDesign()
    {
        var options = new CircuitBreakerOptions();

        Assert.Equal(0.5, options.FailureRatio);
        Assert.Equal(20, options.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(30), options.SamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BreakDuration);
        Assert.Equal(1, options.MinimumReporters);
    }

    [Theory]
    [InlineData(0.0, 20, 30, 5, 1, "FailureRatio")]
    [InlineData(1.01, 20, 30, 5, 1, "FailureRatio")]
    [InlineData(double.NaN, 20, 30, 5, 1, "FailureRatio")]
    [InlineData(0.5, 0, 30, 5, 1, "MinimumThroughput")]
    [InlineData(0.5, 20, 0, 5, 1, "SamplingDuration")]
    [InlineData(0.5, 20, 30, 0, 1, "BreakDuration")]
    [InlineData(0.5, 20, 30, 5, 0, "MinimumReporters")]
    public void Options_OutOfRange_AreRejected_NamingTheSetting(double ratio, int throughput, int sampling, int breakSeconds, int reporters, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(ratio, throughput, sampling, breakSeconds, reporters));

        Assert.Equal("options", error.ParamName);
        Assert.StartsWith(name + " must be", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndBreak_WhileOpen_GoesHalfOpen_WithTheProbeAvailableAtOnce()
    {
        var breaker = CreateOpen(breakSeconds: 30);
        var version = breaker.Version;
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(breaker.EndBreak());
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.Version > version);
        Assert.Equal(TimeSpan.Zero, breaker.RetryAfter);
        Assert.True(breaker.TryAcquireProbe(out var token));
        Assert.True(breaker.RecordProbe(token, success: true));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void EndBreak_InAnyOtherState_ChangesNothing()
    {
        var closed = Create();
        Assert.False(closed.EndBreak());
        Assert.Equal(CircuitState.Closed, closed.State);

        var halfOpen = CreateOpen(breakSeconds: 2);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(halfOpen.TryAcquireProbe(out _));
        Assert.False(halfOpen.EndBreak());
        Assert.False(halfOpen.TryAcquireProbe(out _)); // the probe out is not granted twice

        var isolated = Create();
        isolated.Isolate();
        Assert.False(isolated.EndBreak());
        Assert.Equal(CircuitState.Isolated, isolated.State);
    }

    [Fact]
    public void New_IsClosed_WithNoRetryAfter()
    {
        var breaker = Create();

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(TimeSpan.Zero, breaker.RetryAfter);
        Assert.Null(breaker.OpenUntil);
        Assert.False(breaker.TryAcquireProbe(out _));
    }

    [Fact]
    public void Record_BelowMinimumThroughput_NeverOpens_EvenAtFullFailure()
    {
        var breaker = Create(minimumThroughput: 20);

        for (var i = 0; i < 19; i++)
        {
            Assert.Equal(CircuitState.Closed, breaker.Record("fe", successes: 0, failures: 1));
        }

        Assert.Equal(19, breaker.GetHealth().Failures);
    }

    [Fact]
    public void Record_RatioExactlyAtThreshold_Opens()
    {
        var breaker = Create(failureRatio: 0.5, minimumThroughput: 20);

        breaker.Record("fe", successes: 10, failures: 9);
        Assert.Equal(CircuitState.Closed, breaker.State);

        Assert.Equal(CircuitState.Open, breaker.Record("fe", successes: 0, failures: 1));
    }

    [Fact]
    public void Record_RatioJustBelowThreshold_StaysClosed()
    {
        var breaker = Create(failureRatio: 0.5, minimumThroughput: 20);

        Assert.Equal(CircuitState.Closed, breaker.Record("fe", successes: 11, failures: 10));
    }

    [Fact]
    public void Record_LowRatioThreshold_OpensExactlyAtIt()
    {
        var breaker = Create(failureRatio: 0.1, minimumThroughput: 20);

        Assert.Equal(CircuitState.Closed, breaker.Record("fe", successes: 18, failures: 1));
        Assert.Equal(CircuitState.Open, breaker.Record("fe", successes: 0, failures: 1));
    }

    [Fact]
    public void Record_SuccessesOnly_NeverOpen_EvenWhenTheyCompleteTheThroughput()
    {
        // As in Polly, the decision is taken on a failure: successes can only lower the ratio.
        var breaker = Create(failureRatio: 0.5, minimumThroughput: 20);
        breaker.Record("fe", successes: 0, failures: 15);

        Assert.Equal(CircuitState.Closed, breaker.Record("fe", successes: 5, failures: 0));
        Assert.Equal(CircuitState.Open, breaker.Record("fe", successes: 0, failures: 1));
    }

    [Fact]
    public void Record_OutcomesOlderThanTheSamplingDuration_RollOut()
    {
        var breaker = Create(minimumThroughput: 20, samplingSeconds: 30);
        breaker.Record("fe", successes: 0, failures: 15);

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(CircuitState.Closed, breaker.Record("fe", successes: 0, failures: 10));
        Assert.Equal(10, breaker.GetHealth().Failures);
    }

    [Fact]
    public void Record_OutcomesWithinNineTenthsOfTheWindow_StillCount()
    {
        var breaker = Create(minimumThroughput: 20, samplingSeconds: 30);
        breaker.Record("fe", successes: 0, failures: 15);

        _time.Advance(TimeSpan.FromSeconds(26.9));

        Assert.Equal(CircuitState.Open, breaker.Record("fe", successes: 0, failures: 5));
    }

    [Fact]
    public void Record_RollingWindow_DropsBucketsOneByOne()
    {
        var breaker = Create(minimumThroughput: 1000, samplingSeconds: 10);
        for (var second = 0; second < 10; second++)
        {
            breaker.Record("fe", successes: 1, failures: 0);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Now in bucket 10: bucket 0 has rolled out; buckets 1..9 remain.
        Assert.Equal(9, breaker.GetHealth().Successes);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(4, breaker.GetHealth().Successes);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(default, breaker.GetHealth());
    }

    [Fact]
    public void Open_RejectsProbes_AndReportsRetryAfter_UntilTheBreakEnds()
    {
        var breaker = CreateOpen(breakSeconds: 5);
        var openedAt = _time.GetUtcNow();

        Assert.Equal(TimeSpan.FromSeconds(5), breaker.RetryAfter);
        Assert.Equal(openedAt.AddSeconds(5), breaker.OpenUntil);
        Assert.False(breaker.TryAcquireProbe(out _));

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(TimeSpan.FromSeconds(0.1), breaker.RetryAfter);
        Assert.False(breaker.TryAcquireProbe(out _));

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Null(breaker.OpenUntil);
    }

    [Fact]
    public void Open_IgnoresFurtherBatches_ForItsState()
    {
        var breaker = CreateOpen();

        Assert.Equal(CircuitState.Open, breaker.Record("fe", successes: 100, failures: 0));
        Assert.Equal(CircuitState.Open, breaker.Record("fe", successes: 0, failures: 100));
        Assert.Equal(TimeSpan.FromSeconds(5), breaker.RetryAfter);
    }

    [Fact]
    public void HalfOpen_AdmitsExactlyOneProbe()
    {
        var breaker = CreateOpen();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(breaker.TryAcquireProbe(out _));
        Assert.False(breaker.TryAcquireProbe(out _));
        Assert.False(breaker.TryAcquireProbe(out _));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public void HalfOpen_RetryAfter_IsZeroBeforeTheProbe_AndTheProbeLeaseAfter()
    {
        var breaker = CreateOpen();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, breaker.RetryAfter);

        breaker.TryAcquireProbe(out _);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(3), breaker.RetryAfter);
    }

    [Fact]
    public void HalfOpen_GoodProbe_Closes_AndClearsTheWindow()
    {
        var breaker = CreateOpen();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryAcquireProbe(out var probe));

        Assert.True(breaker.RecordProbe(probe, success: true));

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(default, breaker.GetHealth());
        // The failures that opened it are gone: one more does not reopen.
        Assert.Equal(CircuitState.Closed, breaker.Record("fe", successes: 0, failures: 1));
    }

    [Fact]
    public void HalfOpen_BadProbe_Reopens_ForAnotherBreakDuration()
    {
        var breaker = CreateOpen(breakSeconds: 5);
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(breaker.TryAcquireProbe(out var probe));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(breaker.RecordProbe(probe, success: false));

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(TimeSpan.FromSeconds(5), breaker.RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(breaker.TryAcquireProbe(out _));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(breaker.TryAcquireProbe(out _));
    }

    [Fact]
    public void HalfOpen_BatchedOutcomes_DoNotDecide()
    {
        var breaker = CreateOpen();
        _time.Advance(TimeSpan.FromSeconds(5));
        breaker.TryAcquireProbe(out _);

        Assert.Equal(CircuitState.HalfOpen, breaker.Record("fe", successes: 50, failures: 0));
        Assert.Equal(CircuitState.HalfOpen, breaker.Record("fe", successes: 0, failures: 50));
    }

    [Fact]
    public void HalfOpen_UnansweredProbe_AllowsAnotherAfterTheBreakDuration()
    {
        var breaker = CreateOpen(breakSeconds: 5);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryAcquireProbe(out var first));

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(breaker.TryAcquireProbe(out _));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(breaker.TryAcquireProbe(out var second));
        Assert.False(breaker.TryAcquireProbe(out _));

        // Both probes belong to the same half-open period: whichever answers first decides.
        Assert.Equal(first, second);
        Assert.True(breaker.RecordProbe(first, success: true));
        Assert.False(breaker.RecordProbe(second, success: false));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void RecordProbe_FromAnEarlierOpenPeriod_IsIgnored()
    {
        var breaker = CreateOpen();
        _time.Advance(TimeSpan.FromSeconds(5));
        breaker.TryAcquireProbe(out var stale);
        breaker.RecordProbe(stale, success: false);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryAcquireProbe(out var current));

        Assert.NotEqual(stale, current);
        Assert.False(breaker.RecordProbe(stale, success: true));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public void RecordProbe_WhenNotHalfOpen_IsIgnored()
    {
        var breaker = Create();

        Assert.False(breaker.RecordProbe(0, success: false));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Version_GrowsOnEveryTransition_IncludingTheTimedOne()
    {
        var breaker = Create(minimumThroughput: 2);
        var closed = breaker.Version;

        breaker.Record("fe", successes: 0, failures: 2);
        var open = breaker.Version;
        _time.Advance(TimeSpan.FromSeconds(5));
        var halfOpen = breaker.Version;
        breaker.TryAcquireProbe(out var probe);
        Assert.Equal(halfOpen, breaker.Version);
        breaker.RecordProbe(probe, success: true);

        Assert.True(closed < open && open < halfOpen && halfOpen < breaker.Version);
    }

    [Fact]
    public void Isolate_HoldsOpen_UntilClosedByHand()
    {
        var breaker = Create(minimumThroughput: 2);

        breaker.Isolate();
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(CircuitState.Isolated, breaker.State);
        Assert.False(breaker.TryAcquireProbe(out _));
        Assert.Equal(CircuitState.Isolated, breaker.Record("fe", successes: 0, failures: 10));

        breaker.Close();
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(default, breaker.GetHealth());
    }

    [Fact]
    public void Isolate_InvalidatesOutstandingProbes()
    {
        var breaker = CreateOpen();
        _time.Advance(TimeSpan.FromSeconds(5));
        breaker.TryAcquireProbe(out var probe);

        breaker.Isolate();

        Assert.False(breaker.RecordProbe(probe, success: true));
        Assert.Equal(CircuitState.Isolated, breaker.State);
    }

    [Fact]
    public void Record_RejectsBadArguments()
    {
        var breaker = Create();

        Assert.Throws<ArgumentException>(() => breaker.Record("", 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => breaker.Record("fe", -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => breaker.Record("fe", 0, -1));
    }

    [Fact]
    public void ReleasedProbe_LetsTheNextCallerProbeAtOnce()
    {
        var breaker = CreateOpen();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryAcquireProbe(out var token));
        Assert.False(breaker.TryAcquireProbe(out _));

        Assert.True(breaker.ReleaseProbe(token));

        Assert.True(breaker.TryAcquireProbe(out var next));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.RecordProbe(next, success: true));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void ReleaseProbe_WithAStaleToken_IsIgnored()
    {
        var breaker = CreateOpen();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryAcquireProbe(out var token));
        Assert.True(breaker.RecordProbe(token, success: false));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryAcquireProbe(out _));

        Assert.False(breaker.ReleaseProbe(token));
        Assert.False(breaker.TryAcquireProbe(out _));
    }
}
