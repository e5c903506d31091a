using Microsoft.Extensions.Time.Testing;
using Silo.Grains.CircuitBreaking;
using Silo.TestKit;

namespace Silo.Grains.Tests.CircuitBreaking;

/// <summary>The cluster-wide twist: outcomes come from several front ends, and a quorum of them must be failing.</summary>
public sealed class CircuitBreakerQuorumTests
{
    private readonly FakeTimeProvider _time = new();

    private CircuitBreaker Create(int minimumReporters, int minimumThroughput = 20) =>
        new(new CircuitBreakerOptions { MinimumReporters = minimumReporters, MinimumThroughput = minimumThroughput }, _time);

    [Fact]
    public void OneSickReporter_WhileTwoSucceed_DoesNotOpen_WithQuorumTwo()
    {
        var breaker = Create(minimumReporters: 2);
        breaker.Record("fe-b", successes: 5, failures: 0);
        breaker.Record("fe-c", successes: 5, failures: 0);

        // 30 of 40 failed overall (0.75), but all of them at one front end.
        var state = breaker.Record("fe-a", successes: 0, failures: 30);

        Assert.Equal(CircuitState.Closed, state);
        var health = breaker.GetHealth();
        Assert.Equal(0.75, health.FailureRatio);
        Assert.Equal(3, health.Reporters);
        Assert.Equal(1, health.FailingReporters);
    }

    [Fact]
    public void TwoFailingReporters_Open_WithQuorumTwo()
    {
        var breaker = Create(minimumReporters: 2);
        breaker.Record("fe-c", successes: 5, failures: 0);
        breaker.Record("fe-a", successes: 2, failures: 10);

        Assert.Equal(CircuitState.Open, breaker.Record("fe-b", successes: 3, failures: 10));
        Assert.Equal(2, breaker.GetHealth().FailingReporters);
    }

    [Fact]
    public void ReporterWithAFewFailures_BelowTheRatio_IsNotFailing()
    {
        var breaker = Create(minimumReporters: 2);
        breaker.Record("fe-a", successes: 0, failures: 30);

        // fe-b saw failures, but its own ratio (1/10) is below 0.5: still only one failing reporter.
        Assert.Equal(CircuitState.Closed, breaker.Record("fe-b", successes: 9, failures: 1));
        Assert.Equal(1, breaker.GetHealth().FailingReporters);
    }

    [Fact]
    public void SingleReporter_WithQuorumTwo_NeverOpens()
    {
        // The quorum is not lowered to the number of active reporters (documented on CircuitBreaker).
        var breaker = Create(minimumReporters: 2);

        Assert.Equal(CircuitState.Closed, breaker.Record("fe-a", successes: 0, failures: 1000));
    }

    [Fact]
    public void QuorumOne_BehavesLikePlainPolly_AcrossReporters()
    {
        var breaker = Create(minimumReporters: 1);
        breaker.Record("fe-a", successes: 10, failures: 0);

        Assert.Equal(CircuitState.Open, breaker.Record("fe-b", successes: 0, failures: 10));
    }

    [Fact]
    public void QuorumAndThroughput_AreJudgedTogether_OverTheWindow()
    {
        var breaker = Create(minimumReporters: 2);
        breaker.Record("fe-a", successes: 0, failures: 10);

        // fe-a's failures roll out before fe-b's arrive: never two failing reporters in one window.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitState.Closed, breaker.Record("fe-b", successes: 0, failures: 20));
        Assert.Equal(1, breaker.GetHealth().Reporters);
    }

    [Fact]
    public void QuietReporters_AreForgotten_OnceTheirOutcomesRollOut()
    {
        var breaker = Create(minimumReporters: 1, minimumThroughput: 1000);
        for (var i = 0; i < 50; i++)
        {
            breaker.Record("fe-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), successes: 1, failures: 0);
        }

        Assert.Equal(50, breaker.GetHealth().Reporters);
        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.Record("fe-x", successes: 1, failures: 0);

        Assert.Equal(1, breaker.GetHealth().Reporters);
    }

    [Fact]
    public void EmptyBatch_DoesNotCountAsAReporter()
    {
        var breaker = Create(minimumReporters: 2);

        breaker.Record("fe-a", successes: 0, failures: 0);

        Assert.Equal(0, breaker.GetHealth().Reporters);
    }
}
