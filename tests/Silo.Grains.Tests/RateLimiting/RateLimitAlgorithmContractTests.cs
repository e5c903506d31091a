using Microsoft.Extensions.Time.Testing;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tests.RateLimiting;

/// <summary>
/// What every limit algorithm must do, for a limit of 10 per 60 s. Time is a fake monotonic timestamp
/// (ticks of 100 ns, <see cref="At"/> seconds after <see cref="Start"/>), starting at a UTC window boundary; each algorithm's own class adds its edge cases.
/// </summary>
public abstract class RateLimitAlgorithmContractTests
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);

    protected abstract LimitAlgorithm Algorithm { get; }

    protected ILimitCounter Create(long limit = 10, int windowSeconds = 60, LimitCalendar calendar = LimitCalendar.None) =>
        Create(new LimitDefinition("c", Algorithm, limit, windowSeconds, Calendar: calendar));

    protected static ILimitCounter Create(LimitDefinition definition)
    {
        var time = new FakeTimeProvider(Start);
        return LimitCounter.Create(definition, time);
    }

    /// <summary>The fake clock's timestamp at <see cref="Start"/>; <see cref="At"/> counts from it.</summary>
    protected static readonly long Origin = new FakeTimeProvider(Start).GetTimestamp();

    protected static long At(double seconds) => Origin + (long)(seconds * TimeSpan.TicksPerSecond);

    [Fact]
    public void Fresh_AdmitsExactlyTheLimit_ThenRejects()
    {
        var counter = Create();

        Assert.Equal(10, Enumerable.Range(0, 25).Count(_ => counter.TryAcquire(1, At(1)).Allowed));
    }

    [Fact]
    public void CostAboveOne_TakesThatMany()
    {
        var counter = Create();

        Assert.True(counter.TryAcquire(7, At(1)).Allowed);
        Assert.Equal(3, counter.Peek(At(1)).Remaining);
        Assert.False(counter.TryAcquire(4, At(1)).Allowed);
        Assert.True(counter.TryAcquire(3, At(1)).Allowed);
    }

    [Fact]
    public void Rejection_TakesNothing()
    {
        var counter = Create();
        counter.TryAcquire(8, At(1));

        for (var i = 0; i < 5; i++)
        {
            Assert.False(counter.TryAcquire(5, At(1)).Allowed);
        }

        Assert.True(counter.TryAcquire(2, At(1)).Allowed);
    }

    [Fact]
    public void CostAboveTheLimit_IsRejected_EvenWhenIdle()
    {
        var counter = Create();

        var outcome = counter.TryAcquire(11, At(1));

        Assert.False(outcome.Allowed);
        Assert.True(outcome.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public void Refund_GivesBackWhatWasTaken()
    {
        var counter = Create();
        counter.TryAcquire(10, At(1));

        counter.Refund(4, At(1));

        Assert.True(counter.TryAcquire(4, At(1)).Allowed);
        Assert.False(counter.TryAcquire(1, At(1)).Allowed);
    }

    [Fact]
    public void RetryAfter_IsEnough_AndNotWildlyMore()
    {
        var counter = Create();
        counter.TryAcquire(10, At(1));

        var rejected = counter.TryAcquire(1, At(1));

        Assert.False(rejected.Allowed);
        Assert.InRange(rejected.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120));
        var after = 1 + rejected.RetryAfter.TotalSeconds;
        Assert.True(counter.TryAcquire(1, At(after + 0.001)).Allowed, $"still rejected after waiting {rejected.RetryAfter}");
    }

    [Fact]
    public void AfterLongIdle_TheWholeLimitIsAvailable()
    {
        var counter = Create();
        counter.TryAcquire(10, At(1));

        Assert.Equal(10, counter.Peek(At(1000)).Remaining);
        Assert.True(counter.TryAcquire(10, At(1000)).Allowed);
    }

    [Fact]
    public void TimestampFromThePast_GrantsNothingExtra()
    {
        var counter = Create();
        counter.TryAcquire(10, At(50));

        Assert.False(counter.TryAcquire(1, At(10)).Allowed);
        Assert.False(counter.TryAcquire(1, At(50)).Allowed);
    }

    [Fact]
    public void NoWindowLongSpan_StartingAtABoundary_AdmitsMoreThanTheLimit()
    {
        var counter = Create();
        var admitted = new List<double>();
        for (var t = 0.0; t < 600; t += 0.25)
        {
            if (counter.TryAcquire(1, At(t)).Allowed)
            {
                admitted.Add(t);
            }
        }

        for (var boundary = 0; boundary < 540; boundary += 60)
        {
            Assert.InRange(admitted.Count(t => t >= boundary && t < boundary + 60), 1, 10 + AllowedBurstAtBoundary);
        }
    }

    /// <summary>How far above the limit one window-long span may go (a token bucket refills while it is spent).</summary>
    protected virtual int AllowedBurstAtBoundary => 0;
}

public sealed class TokenBucketContractTests : RateLimitAlgorithmContractTests
{
    protected override LimitAlgorithm Algorithm => LimitAlgorithm.TokenBucket;

    // A full bucket plus the refill during the span: 10 + 10 per 60 s.
    protected override int AllowedBurstAtBoundary => 10;
}

public sealed class FixedWindowContractTests : RateLimitAlgorithmContractTests
{
    protected override LimitAlgorithm Algorithm => LimitAlgorithm.FixedWindow;

    [Fact]
    public void Window_ResetsExactlyAtItsEpochAlignedBoundary()
    {
        var counter = Create();
        counter.TryAcquire(10, At(59.9));

        Assert.False(counter.TryAcquire(1, At(59.999)).Allowed);
        var next = counter.TryAcquire(10, At(60));
        Assert.True(next.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(60), next.ResetAfter);
    }

    [Fact]
    public void RetryAfter_IsTheRestOfTheWindow()
    {
        var counter = Create();
        counter.TryAcquire(10, At(15));

        Assert.Equal(TimeSpan.FromSeconds(45), counter.TryAcquire(1, At(15)).RetryAfter);
    }

    [Fact]
    public void CalendarDay_ResetsAtUtcMidnight()
    {
        var counter = Create(limit: 3, calendar: LimitCalendar.Day);
        Assert.True(counter.TryAcquire(3, At(10)).Allowed);

        var rejected = counter.TryAcquire(1, At(23 * 3600));
        Assert.False(rejected.Allowed);
        Assert.Equal(TimeSpan.FromHours(1), rejected.RetryAfter);
        Assert.True(counter.TryAcquire(3, At(24 * 3600)).Allowed);
    }

    [Fact]
    public void CalendarMonth_ResetsOnTheFirst()
    {
        // Start is 31 March: the first window lasts one day, the next all of April (30 days).
        var counter = Create(limit: 2, calendar: LimitCalendar.Month);
        Assert.True(counter.TryAcquire(2, At(60)).Allowed);
        Assert.False(counter.TryAcquire(1, At(3600)).Allowed);

        Assert.True(counter.TryAcquire(2, At(86_400)).Allowed);
        var rejected = counter.TryAcquire(1, At(86_400 * 2));
        Assert.Equal(TimeSpan.FromDays(29), rejected.RetryAfter);
    }
}

public sealed class SlidingWindowContractTests : RateLimitAlgorithmContractTests
{
    protected override LimitAlgorithm Algorithm => LimitAlgorithm.SlidingWindow;

    [Fact]
    public void PreviousWindow_WeighsIn_AsItSlidesOut()
    {
        var counter = Create();
        Assert.True(counter.TryAcquire(10, At(30)).Allowed);

        // A quarter into the next window, 3/4 of the previous 10 still count.
        Assert.Equal(2, counter.Peek(At(75)).Remaining);
        Assert.True(counter.TryAcquire(2, At(75)).Allowed);
        Assert.False(counter.TryAcquire(1, At(75)).Allowed);

        // Half way, half of the previous 10 plus the 2 taken leave 3.
        Assert.Equal(3, counter.Peek(At(90)).Remaining);
    }

    [Fact]
    public void AfterTwoWindows_NothingIsCarried()
    {
        var counter = Create();
        counter.TryAcquire(10, At(30));

        Assert.Equal(10, counter.Peek(At(120)).Remaining);
    }
}
