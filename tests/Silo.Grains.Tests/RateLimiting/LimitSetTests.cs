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
    public void Validation_NamesEveryBadField()
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        LimitValidation.Validate(
            [
                new LimitDefinition("ok", LimitAlgorithm.TokenBucket, 1, 1),
                new LimitDefinition("ok", LimitAlgorithm.FixedWindow, 0, 0, 0),
                new LimitDefinition("bad name!", LimitAlgorithm.TokenBucket, 1, LimitValidation.MaxWindowSeconds + 1),
            ],
            "limits",
            errors);

        Assert.Equal(
            ["limits[1].burst", "limits[1].limit", "limits[1].name", "limits[1].windowSeconds", "limits[2].name", "limits[2].windowSeconds"],
            errors.Keys.Order(StringComparer.Ordinal));
    }
}
