using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tests.RateLimiting;

public sealed class TokenBucketTests
{
    private const long Frequency = TimeSpan.TicksPerSecond;

    // The largest limit and window the admin API accepts (Silo.Api.Validation.LimitValidation).
    private const long MaxLimit = 1_000_000_000;
    private const int MaxWindowSeconds = 31 * 24 * 3600;

    private static long Seconds(double s) => (long)(s * Frequency);

    private static TokenBucket Bucket(long limit, int windowSeconds, long? burst = null) =>
        new(new LimitDefinition("t", LimitAlgorithm.TokenBucket, limit, windowSeconds, burst), Frequency, timestamp: 0);

    [Fact]
    public void NewBucket_IsFull_AdmitsExactlyCapacity()
    {
        var bucket = Bucket(limit: 10, windowSeconds: 60);

        var admitted = Enumerable.Range(0, 15).Count(_ => bucket.TryAcquire(1, 0).Allowed);

        Assert.Equal(10, admitted);
    }

    [Fact]
    public void Burst_SetsCapacity_IndependentlyOfRate()
    {
        var bucket = Bucket(limit: 10, windowSeconds: 60, burst: 3);

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => bucket.TryAcquire(1, 0).Allowed));
    }

    [Fact]
    public void Refill_AddsLimitPerWindow_Proportionally()
    {
        var bucket = Bucket(limit: 60, windowSeconds: 60);
        Assert.True(bucket.TryAcquire(60, 0).Allowed);
        Assert.False(bucket.TryAcquire(1, Seconds(0.999)).Allowed);

        Assert.True(bucket.TryAcquire(1, Seconds(1)).Allowed);
        Assert.False(bucket.TryAcquire(1, Seconds(1)).Allowed);
        Assert.True(bucket.TryAcquire(5, Seconds(6)).Allowed);
    }

    [Fact]
    public void Refill_NeverExceedsCapacity()
    {
        var bucket = Bucket(limit: 5, windowSeconds: 1);
        bucket.TryAcquire(5, 0);

        Assert.Equal(5, bucket.Peek(Seconds(1000)).Remaining);
        Assert.False(bucket.TryAcquire(6, Seconds(1000)).Allowed);
    }

    [Fact]
    public void Rejection_ReportsRetryAfter_ThatIsEnough()
    {
        var bucket = Bucket(limit: 10, windowSeconds: 60);
        bucket.TryAcquire(10, 0);

        var rejected = bucket.TryAcquire(3, 0);

        Assert.False(rejected.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(18), rejected.RetryAfter);
        Assert.False(bucket.TryAcquire(3, Seconds(17.9)).Allowed);
        Assert.True(bucket.TryAcquire(3, Seconds(18)).Allowed);
    }

    [Fact]
    public void Rejection_TakesNothing()
    {
        var bucket = Bucket(limit: 10, windowSeconds: 10);
        bucket.TryAcquire(8, 0);

        Assert.False(bucket.TryAcquire(3, 0).Allowed);
        Assert.True(bucket.TryAcquire(2, 0).Allowed);
    }

    [Fact]
    public void CostAboveCapacity_IsRejected_WithFullWindowRetry()
    {
        var bucket = Bucket(limit: 10, windowSeconds: 60);

        var outcome = bucket.TryAcquire(11, 0);

        Assert.False(outcome.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(60), outcome.RetryAfter);
        Assert.Equal(10, outcome.Remaining);
    }

    [Fact]
    public void Refund_GivesBack_UpToCapacity()
    {
        var bucket = Bucket(limit: 10, windowSeconds: 60);
        bucket.TryAcquire(4, 0);

        bucket.Refund(4, 0);
        bucket.Refund(4, 0);

        Assert.Equal(10, bucket.Peek(0).Remaining);
    }

    [Fact]
    public void TimestampFromThePast_IsIgnored()
    {
        var bucket = Bucket(limit: 10, windowSeconds: 10);
        bucket.TryAcquire(10, Seconds(100));

        Assert.False(bucket.TryAcquire(1, Seconds(50)).Allowed);
        Assert.True(bucket.TryAcquire(1, Seconds(101)).Allowed);
    }

    [Fact]
    public void ResetAfter_IsTimeUntilFull()
    {
        var bucket = Bucket(limit: 10, windowSeconds: 10);
        var outcome = bucket.TryAcquire(4, 0);

        Assert.Equal(6, outcome.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(4), outcome.ResetAfter);
    }

    [Fact]
    public void LargeLimitsAndLongWindows_DoNotOverflow()
    {
        var bucket = Bucket(limit: MaxLimit, windowSeconds: MaxWindowSeconds);

        Assert.True(bucket.TryAcquire(MaxLimit, 0).Allowed);
        Assert.False(bucket.TryAcquire(1, 0).Allowed);
        Assert.Equal(MaxLimit, bucket.Peek(Seconds(MaxWindowSeconds)).Remaining);
    }
}
