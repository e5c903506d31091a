using Silo.Grains.Quotas;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tests.Quotas;

/// <summary>
/// Two activations of one grain counted at once (a membership change, a graceful stop): the one whose checkpoint
/// meets the other's write stores the sum of what each added, so nothing admitted goes uncounted.
/// </summary>
public sealed class QuotaCheckpointMergeTests
{
    private static readonly DateTimeOffset Today = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void BothActivationsCounted_FromTheSameBase_TheSumOfTheirAdditionsIsStored()
    {
        // Both read 400; the other counted 18 more and wrote 418; this one counted 23 more.
        var merged = QuotaCheckpointer.Merge([Daily(Today, 423)], [Daily(Today, 400)], [Daily(Today, 418)]);

        Assert.Equal(441, Assert.Single(merged).Current);
    }

    [Fact]
    public void MoreCameBackToThisActivationThanItTook_TheStoredCountIsLowered()
    {
        // This one restored 400 (including 60 units an ended activation had leased out), was given 60 back and
        // counted 20: 360. The other wrote 418 meanwhile. Of the 418, the 60 were never used.
        var merged = QuotaCheckpointer.Merge([Daily(Today, 360)], [Daily(Today, 400)], [Daily(Today, 418)]);

        Assert.Equal(378, Assert.Single(merged).Current);
    }

    [Fact]
    public void ThisActivationStartedWithNoRecord_ItsWholeCountIsAdded()
    {
        var merged = QuotaCheckpointer.Merge([Daily(Today, 7)], [], [Daily(Today, 5)]);

        Assert.Equal(12, Assert.Single(merged).Current);
    }

    [Fact]
    public void TheOtherActivationIsInALaterWindow_ItsWindowIsKept()
    {
        var tomorrow = Today.AddDays(1);

        var merged = QuotaCheckpointer.Merge([Daily(Today, 90)], [Daily(Today, 80)], [Daily(tomorrow, 3)]);

        Assert.Equal(Daily(tomorrow, 3), Assert.Single(merged));
    }

    [Fact]
    public void StoredWindowIsOlder_OurNewWindowIsWrittenAsCounted()
    {
        var tomorrow = Today.AddDays(1);

        var merged = QuotaCheckpointer.Merge([Daily(tomorrow, 4)], [Daily(Today, 80)], [Daily(Today, 95)]);

        Assert.Equal(Daily(tomorrow, 4), Assert.Single(merged));
    }

    [Fact]
    public void TheOtherActivationResetTheCount_ItsCountIsKept_NotWhatThisOneCountedBeforeTheReset()
    {
        // Both read 30; this one counted 20 more, unaware that the other reset the limit and counted 2 since.
        var merged = QuotaCheckpointer.Merge([Daily(Today, 50)], [Daily(Today, 30)], [Daily(Today, 2, ResetAt)]);

        Assert.Equal(Daily(Today, 2, ResetAt), Assert.Single(merged));
    }

    [Fact]
    public void ThisActivationResetTheCount_WhatTheOtherCountedBeforeIsNotAddedBack()
    {
        // Both read 30; the other counted 20 more and wrote 50; this one reset the limit and counted 3 since.
        var merged = QuotaCheckpointer.Merge([Daily(Today, 3, ResetAt)], [Daily(Today, 30)], [Daily(Today, 50)]);

        Assert.Equal(Daily(Today, 3, ResetAt), Assert.Single(merged));
    }

    [Fact]
    public void ResetSlidingWindow_ThePreviousWindowsCountStaysReset()
    {
        var reset = Sliding(0, 0, ResetAt);

        var merged = QuotaCheckpointer.Merge([reset], [Sliding(10, 40)], [Sliding(12, 40)]);

        Assert.Equal(reset, Assert.Single(merged));
    }

    [Fact]
    public void BothActivationsSawTheSameReset_TheirAdditionsAreSummed()
    {
        var merged = QuotaCheckpointer.Merge([Daily(Today, 5, ResetAt)], [Daily(Today, 0, ResetAt)], [Daily(Today, 4, ResetAt)]);

        Assert.Equal(Daily(Today, 9, ResetAt), Assert.Single(merged));
    }

    [Fact]
    public void AnOlderResetIsStored_ThisActivationsLaterResetWins()
    {
        var later = ResetAt.AddMinutes(5);

        var merged = QuotaCheckpointer.Merge([Daily(Today, 1, later)], [Daily(Today, 7, ResetAt)], [Daily(Today, 9, ResetAt)]);

        Assert.Equal(Daily(Today, 1, later), Assert.Single(merged));
    }

    private static readonly DateTimeOffset ResetAt = Today.AddHours(9);

    private static WindowCheckpoint Daily(DateTimeOffset start, long current, DateTimeOffset? resetAt = null) =>
        new("daily", LimitAlgorithm.FixedWindow, 0, LimitCalendar.Day, start, current, 0, resetAt);

    private static WindowCheckpoint Sliding(long current, long previous, DateTimeOffset? resetAt = null) =>
        new("hourly", LimitAlgorithm.SlidingWindow, 3600, LimitCalendar.None, Today, current, previous, resetAt);
}
