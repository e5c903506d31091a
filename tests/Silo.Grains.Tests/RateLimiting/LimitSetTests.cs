using Microsoft.Extensions.Time.Testing;
using Silo.Grains.RateLimiting;
using Silo.TestKit;

namespace Silo.Grains.Tests.RateLimiting;

public sealed class LimitSetTests
{
    [Fact]
    public void Rejection_ByLaterLimit_RefundsEarlierLimits()
    {
        var time = new FakeTimeProvider();
        var set = new LimitSet(
            [
                new LimitDefinition("big", LimitAlgorithm.TokenBucket, 100, 60),
                new LimitDefinition("small", LimitAlgorithm.TokenBucket, 2, 60),
            ],
            time);

        Assert.True(set.TryAcquire(1, time.GetTimestamp()).Allowed);
        Assert.True(set.TryAcquire(1, time.GetTimestamp()).Allowed);
        var rejected = set.TryAcquire(1, time.GetTimestamp());

        Assert.False(rejected.Allowed);
        Assert.Equal("small", rejected.Policy);
        Assert.Equal(98, set.Usage(0, time.GetTimestamp()).Remaining);
    }

    [Fact]
    public void Admission_ReportsTightestLimit()
    {
        var time = new FakeTimeProvider();
        var set = new LimitSet(
            [
                new LimitDefinition("minute", LimitAlgorithm.TokenBucket, 100, 60),
                new LimitDefinition("second", LimitAlgorithm.TokenBucket, 5, 1),
            ],
            time);

        var decision = set.TryAcquire(2, time.GetTimestamp());

        Assert.True(decision.Allowed);
        Assert.Equal("second", decision.Policy);
        Assert.Equal(3, decision.Remaining);
        Assert.Equal(2, set.Policies.Count);
        Assert.Equal(5, set.MaxCost);
    }

    [Fact]
    public void EmptySet_IsUnlimited()
    {
        var set = new LimitSet([], new FakeTimeProvider());

        var decision = set.TryAcquire(1_000_000, 0);

        Assert.True(decision.Allowed);
        Assert.True(decision.IsUnlimited);
    }

    [Fact]
    public void ShadowLimit_WouldReject_AdmitsAndCounts()
    {
        var time = new FakeTimeProvider();
        var rejectedBy = new List<string>();
        var set = new LimitSet(
            [
                new LimitDefinition("enforced", LimitAlgorithm.FixedWindow, 10, 60),
                new LimitDefinition("trial", LimitAlgorithm.FixedWindow, 2, 60, Shadow: true),
            ],
            time)
        {
            ShadowRejected = d => rejectedBy.Add(d.Name),
        };

        for (var i = 0; i < 5; i++)
        {
            Assert.True(set.TryAcquire(1, time.GetTimestamp()).Allowed);
        }

        Assert.Equal(["trial", "trial", "trial"], rejectedBy);
        Assert.Equal(3, set.Usage(1, time.GetTimestamp()).ShadowRejections);
        Assert.Null(set.Usage(0, time.GetTimestamp()).ShadowRejections);
        Assert.Equal(5, set.Usage(0, time.GetTimestamp()).Remaining);
    }

    [Fact]
    public void ShadowLimit_IsNotAdvertised_AndDoesNotCapCost()
    {
        var time = new FakeTimeProvider();
        var set = new LimitSet(
            [
                new LimitDefinition("enforced", LimitAlgorithm.TokenBucket, 100, 60),
                new LimitDefinition("trial", LimitAlgorithm.TokenBucket, 2, 60, Shadow: true),
            ],
            time);

        Assert.Equal(["enforced"], set.Policies.Select(p => p.Name));
        Assert.Equal(100, set.MaxCost);
        var decision = set.TryAcquire(50, time.GetTimestamp());
        Assert.True(decision.Allowed);
        Assert.Equal("enforced", decision.Policy);
    }

    [Fact]
    public void ShadowLimit_RejectedByEnforcedLimit_IsNotCountedOrCharged()
    {
        var time = new FakeTimeProvider();
        var shadowCalls = 0;
        var set = new LimitSet(
            [
                new LimitDefinition("enforced", LimitAlgorithm.FixedWindow, 1, 60),
                new LimitDefinition("trial", LimitAlgorithm.FixedWindow, 5, 60, Shadow: true),
            ],
            time)
        {
            ShadowRejected = _ => shadowCalls++,
        };

        Assert.True(set.TryAcquire(1, time.GetTimestamp()).Allowed);
        Assert.False(set.TryAcquire(1, time.GetTimestamp()).Allowed);

        Assert.Equal(4, set.Usage(1, time.GetTimestamp()).Remaining);
        Assert.Equal(0, shadowCalls);
    }

    [Fact]
    public void Refund_GivesBackOnlyWhatShadowLimitsTook()
    {
        var time = new FakeTimeProvider();
        var set = new LimitSet(
            [
                new LimitDefinition("enforced", LimitAlgorithm.FixedWindow, 100, 60),
                new LimitDefinition("trial", LimitAlgorithm.FixedWindow, 3, 60, Shadow: true),
            ],
            time);
        Assert.True(set.TryAcquire(2, time.GetTimestamp()).Allowed);

        // The shadow limit cannot fit 2 more: it would reject, so it takes nothing, and a refund (another level
        // rejected) must not hand it units it never took.
        Assert.True(set.TryAcquire(2, time.GetTimestamp()).Allowed);
        set.Refund(2, time.GetTimestamp());

        Assert.Equal(1, set.Usage(1, time.GetTimestamp()).Remaining);
        Assert.Equal(98, set.Usage(0, time.GetTimestamp()).Remaining);
    }

    [Fact]
    public void Checkpoint_CoversOnlyDurableLimits_AndRestoresIntoANewSet()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        LimitDefinition[] definitions =
        [
            new("minute", LimitAlgorithm.FixedWindow, 100, 60),
            new("day", LimitAlgorithm.FixedWindow, 1000, 0, Calendar: LimitCalendar.Day),
            new("hours", LimitAlgorithm.SlidingWindow, 500, 7200),
            new("bucket", LimitAlgorithm.TokenBucket, 100, 86400),
        ];
        var set = new LimitSet(definitions, time);
        for (var i = 0; i < 7; i++)
        {
            Assert.True(set.TryAcquire(1, time.GetTimestamp()).Allowed);
        }

        var checkpoints = set.Checkpoint(time.GetTimestamp());

        Assert.Equal(["day", "hours"], checkpoints.Select(c => c.Name));
        Assert.All(checkpoints, c => Assert.Equal(7, c.Current));
        time.Advance(TimeSpan.FromMinutes(5));
        var restored = new LimitSet(definitions, time);
        restored.Restore(checkpoints, time.GetTimestamp());
        Assert.Equal(100, restored.Usage(0, time.GetTimestamp()).Remaining);
        Assert.Equal(993, restored.Usage(1, time.GetTimestamp()).Remaining);
        Assert.Equal(493, restored.Usage(2, time.GetTimestamp()).Remaining);
    }

    [Fact]
    public void Restore_AfterTheWindowEnded_StartsFresh()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 23, 59, 0, TimeSpan.Zero));
        LimitDefinition[] definitions = [new("day", LimitAlgorithm.FixedWindow, 1000, 0, Calendar: LimitCalendar.Day)];
        var set = new LimitSet(definitions, time);
        Assert.True(set.TryAcquire(400, time.GetTimestamp()).Allowed);
        var checkpoints = set.Checkpoint(time.GetTimestamp());

        time.Advance(TimeSpan.FromMinutes(2));
        var restored = new LimitSet(definitions, time);
        restored.Restore(checkpoints, time.GetTimestamp());

        Assert.Equal(1000, restored.Usage(0, time.GetTimestamp()).Remaining);
    }

    [Fact]
    public void Restore_SlidingWindow_FromThePreviousWindow_CountsAsPrevious()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
        LimitDefinition[] definitions = [new("hours", LimitAlgorithm.SlidingWindow, 100, 3600)];
        var set = new LimitSet(definitions, time);
        Assert.True(set.TryAcquire(80, time.GetTimestamp()).Allowed);
        var checkpoints = set.Checkpoint(time.GetTimestamp());

        // A quarter into the next window, three quarters of the previous count still weigh in: 60.
        time.Advance(TimeSpan.FromMinutes(75));
        var restored = new LimitSet(definitions, time);
        restored.Restore(checkpoints, time.GetTimestamp());

        Assert.Equal(40, restored.Usage(0, time.GetTimestamp()).Remaining);
    }

    [Fact]
    public void Restore_IgnoresCheckpointOfAReshapedLimit()
    {
        var time = new FakeTimeProvider();
        var set = new LimitSet([new LimitDefinition("long", LimitAlgorithm.FixedWindow, 100, 3600)], time);
        Assert.True(set.TryAcquire(30, time.GetTimestamp()).Allowed);
        var checkpoints = set.Checkpoint(time.GetTimestamp());

        var reshaped = new LimitSet([new LimitDefinition("long", LimitAlgorithm.FixedWindow, 100, 7200)], time);
        reshaped.Restore(checkpoints, time.GetTimestamp());

        Assert.Equal(100, reshaped.Usage(0, time.GetTimestamp()).Remaining);
    }
}
