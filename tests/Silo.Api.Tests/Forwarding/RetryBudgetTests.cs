using Microsoft.Extensions.Time.Testing;
using Silo.Api.Forwarding;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

public sealed class RetryBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Budget_Defaults_AreLinkerds()
    {
        var budget = new RetryBudget(_time);

        Assert.Equal(0.2, budget.Ratio);
        Assert.Equal(10, budget.MinRetriesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), budget.Window);
        Assert.Equal(100, budget.Available);
    }

    [Fact]
    public void Budget_WithoutTraffic_AllowsOnlyTheReserve()
    {
        var budget = new RetryBudget(_time, ratio: 0.2, minRetriesPerSecond: 1);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(budget.TryWithdraw());
        }

        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void Budget_AllowsRatioOfRequests()
    {
        var budget = new RetryBudget(_time, ratio: 0.2, minRetriesPerSecond: 0);
        Assert.False(budget.TryWithdraw());

        for (var i = 0; i < 10; i++)
        {
            budget.RecordRequest();
        }

        Assert.True(budget.TryWithdraw());
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
        Assert.Equal(0, budget.Available);
    }

    [Fact]
    public void Budget_FourRequests_DoNotMakeAWholeRetry()
    {
        var budget = new RetryBudget(_time, ratio: 0.2, minRetriesPerSecond: 0);
        for (var i = 0; i < 4; i++)
        {
            budget.RecordRequest();
        }

        Assert.False(budget.TryWithdraw());
        budget.RecordRequest();
        Assert.True(budget.TryWithdraw());
    }

    [Fact]
    public void Budget_RequestsAndRetries_LeaveTheWindow()
    {
        var budget = new RetryBudget(_time, ratio: 0.5, minRetriesPerSecond: 0);
        for (var i = 0; i < 4; i++)
        {
            budget.RecordRequest();
        }

        Assert.True(budget.TryWithdraw());
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());

        // Half a window later both requests and retries still count.
        _time.Advance(TimeSpan.FromSeconds(5));
        budget.RecordRequest();
        budget.RecordRequest();
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());

        // The first four requests and two retries have left; the later two requests and one retry remain.
        _time.Advance(TimeSpan.FromSeconds(5.5));
        Assert.Equal(0, budget.Available);
        budget.RecordRequest();
        budget.RecordRequest();
        Assert.True(budget.TryWithdraw());

        // Everything has left.
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void Budget_LongIdle_StartsEmpty()
    {
        var budget = new RetryBudget(_time, ratio: 1, minRetriesPerSecond: 0);
        for (var i = 0; i < 100; i++)
        {
            budget.RecordRequest();
        }

        _time.Advance(TimeSpan.FromHours(3));

        Assert.Equal(0, budget.Available);
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public async Task Budget_ConcurrentUse_NeverOverspends()
    {
        var budget = new RetryBudget(_time, ratio: 0.2, minRetriesPerSecond: 0);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2500; i++)
            {
                budget.RecordRequest();
            }
        })));

        var granted = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (budget.TryWithdraw())
                {
                    Interlocked.Increment(ref granted);
                }
            }
        })));

        Assert.Equal(2000, granted);
    }

    [Theory]
    [InlineData(-0.1, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(0.2, -1)]
    public void Budget_InvalidSettings_Throw(double ratio, int minRetriesPerSecond) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudget(_time, ratio, minRetriesPerSecond));
}
