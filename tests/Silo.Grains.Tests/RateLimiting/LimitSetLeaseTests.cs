using Microsoft.Extensions.Time.Testing;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tests.RateLimiting;

/// <summary>What leases need of a limit set: room, how long taken units may be used, and giving unused units back.</summary>
public sealed class LimitSetLeaseTests
{
    [Fact]
    public void Available_IsTheLeastRoomAmongEnforcedLimits_ShadowIgnored()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var set = new LimitSet(
        [
            new LimitDefinition("minute", LimitAlgorithm.TokenBucket, 100, 60),
            new LimitDefinition("hour", LimitAlgorithm.FixedWindow, 40, 3600),
            new LimitDefinition("shadow", LimitAlgorithm.FixedWindow, 1, 60, Shadow: true),
        ], time);
        Assert.True(set.TryAcquire(10, time.GetTimestamp()).Allowed);

        Assert.Equal(30, set.Available(time.GetTimestamp()));
        Assert.Equal(long.MaxValue, new LimitSet([], time).Available(time.GetTimestamp()));
    }

    [Fact]
    public void UsableFor_EndsWithTheEarliestWindow_AndTokenBucketsDoNotShortenIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 59, 500, TimeSpan.Zero));
        var windowed = new LimitSet([new LimitDefinition("minute", LimitAlgorithm.FixedWindow, 100, 60)], time);
        var bucket = new LimitSet([new LimitDefinition("minute", LimitAlgorithm.TokenBucket, 100, 60)], time);

        Assert.Equal(TimeSpan.FromMilliseconds(500), windowed.UsableFor(time.GetTimestamp(), TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.UsableFor(time.GetTimestamp(), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Return_InTheSameWindow_GivesTheUnitsBack()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 10, TimeSpan.Zero));
        var set = new LimitSet([new LimitDefinition("minute", LimitAlgorithm.FixedWindow, 100, 60)], time);
        var takenAt = time.GetTimestamp();
        Assert.True(set.TryAcquire(60, takenAt).Allowed);
        time.Advance(TimeSpan.FromSeconds(1));

        set.Return(45, takenAt, time.GetTimestamp());

        Assert.Equal(85, set.Available(time.GetTimestamp()));
    }

    [Fact]
    public void Return_AfterTheWindowEnded_LendsTheNewWindowNothing()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 59, TimeSpan.Zero));
        var set = new LimitSet([new LimitDefinition("minute", LimitAlgorithm.FixedWindow, 100, 60)], time);
        var takenAt = time.GetTimestamp();
        Assert.True(set.TryAcquire(60, takenAt).Allowed);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(set.TryAcquire(30, time.GetTimestamp()).Allowed); // counted in the new window

        set.Return(60, takenAt, time.GetTimestamp());

        Assert.Equal(70, set.Available(time.GetTimestamp()));
    }

    [Fact]
    public void Return_ToATokenBucket_NeverFillsItPastItsCapacity()
    {
        var time = new FakeTimeProvider();
        var set = new LimitSet([new LimitDefinition("second", LimitAlgorithm.TokenBucket, 100, 1)], time);
        var takenAt = time.GetTimestamp();
        Assert.True(set.TryAcquire(80, takenAt).Allowed);
        time.Advance(TimeSpan.FromSeconds(1)); // refilled meanwhile

        set.Return(80, takenAt, time.GetTimestamp());

        Assert.Equal(100, set.Available(time.GetTimestamp()));
    }
}
