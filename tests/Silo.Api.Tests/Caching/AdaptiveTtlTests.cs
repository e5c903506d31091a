using Silo.Api.Caching;
using Silo.Grains.Services;

namespace Silo.Api.Tests.Caching;

/// <summary>The adaptive lifetime of responses that give none of their own: longer while they revalidate unchanged and are used, shorter when they change.</summary>
public sealed class AdaptiveTtlTests
{
    private static readonly CachePolicy Policy = new(DefaultTtlSeconds: 40, MaxTtlSeconds: 300);

    [Theory]
    [InlineData(40, false, 3, 80)] // unchanged and hit: twice as long
    [InlineData(200, false, 1, 300)] // ... up to maxTtlSeconds
    [InlineData(40, false, 0, 40)] // unchanged, never hit: as long as before
    [InlineData(80, true, 5, 40)] // changed: half as long
    [InlineData(12, true, 5, 10)] // ... down to a quarter of defaultTtlSeconds
    public void Next_FollowsTheRule(int previousSeconds, bool changed, long hits, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), AdaptiveTtl.Next(TimeSpan.FromSeconds(previousSeconds), changed, hits, Policy));

    [Fact]
    public void Next_NeverGoesBelowASecond() =>
        Assert.Equal(TimeSpan.FromSeconds(1), AdaptiveTtl.Next(TimeSpan.FromSeconds(1), changed: true, 0, new CachePolicy(DefaultTtlSeconds: 2, MaxTtlSeconds: 10)));
}
