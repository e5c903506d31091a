using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;

namespace Silo.Grains.Tests.LoadBalancing;

public sealed class PanicRoutingTests
{
    [Theory]
    [InlineData(1, 2, 50, false)] // exactly the threshold is not below it
    [InlineData(0, 2, 50, true)]
    [InlineData(1, 3, 50, true)]
    [InlineData(2, 3, 50, false)]
    [InlineData(0, 1, 50, true)] // one endpoint, unavailable
    [InlineData(1, 1, 50, false)]
    [InlineData(0, 3, 0, false)] // 0 turns panic off
    [InlineData(3, 4, 100, true)] // 100: any unavailable endpoint
    [InlineData(4, 4, 100, false)]
    [InlineData(0, 0, 50, false)] // nothing to route to: not panic
    [InlineData(1, 10, 10, false)]
    [InlineData(0, 10, 10, true)]
    [InlineData(33, 100, 34, true)]
    public void IsPanic_ComparesTheAvailableShare_Exactly(int available, int candidates, int threshold, bool expected)
    {
        Assert.Equal(expected, PanicRouting.IsPanic(available, candidates, threshold));
    }

    [Theory]
    [InlineData(-1, 2, 50)]
    [InlineData(3, 2, 50)]
    [InlineData(1, 2, -1)]
    [InlineData(1, 2, 101)]
    public void IsPanic_OutOfRange_Throws(int available, int candidates, int threshold)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PanicRouting.IsPanic(available, candidates, threshold));
    }

    [Fact]
    public void Select_EnoughAvailable_RoutesOnlyToThem()
    {
        var endpoints = Endpoints(("http://a", false), ("http://b", false), ("http://c", false));

        var routed = PanicRouting.Select(endpoints, Up("http://a", "http://b"), 50, out var panic);

        Assert.False(panic);
        Assert.Equal([new RoutedEndpoint("http://a", 1), new RoutedEndpoint("http://b", 1)], routed);
    }

    [Fact]
    public void Select_InPanic_RoutesToEveryEndpointNotDraining_MarkingTheUnavailableOnes()
    {
        var endpoints = Endpoints(("http://a", false), ("http://b", false), ("http://c", false), ("http://d", true));

        var routed = PanicRouting.Select(endpoints, Up("http://a", "http://d"), 50, out var panic);

        Assert.True(panic);
        Assert.Equal(
            [new RoutedEndpoint("http://a", 1), new RoutedEndpoint("http://b", 1, PanicOnly: true), new RoutedEndpoint("http://c", 1, PanicOnly: true)],
            routed);
    }

    [Fact]
    public void Select_DrainingEndpoints_CountInNeitherShare()
    {
        // One of two endpoints not draining is available: 50%, not below the threshold, though 1 of 4 is 25%.
        var endpoints = Endpoints(("http://a", false), ("http://b", false), ("http://c", true), ("http://d", true));

        var routed = PanicRouting.Select(endpoints, Up("http://a"), 50, out var panic);

        Assert.False(panic);
        Assert.Equal(["http://a"], routed.Select(e => e.Url));
    }

    [Fact]
    public void Select_ThresholdZero_NeverPanics_EvenWithNothingAvailable()
    {
        var routed = PanicRouting.Select(Endpoints(("http://a", false), ("http://b", false)), Up(), 0, out var panic);

        Assert.False(panic);
        Assert.Empty(routed);
    }

    [Fact]
    public void Select_EveryEndpointDraining_RoutesNowhere_WithoutPanic()
    {
        var routed = PanicRouting.Select(Endpoints(("http://a", true), ("http://b", true)), Up("http://a", "http://b"), 100, out var panic);

        Assert.False(panic);
        Assert.Empty(routed);
    }

    [Fact]
    public void Select_KeepsWeights()
    {
        var endpoints = new[] { new EndpointDefinition("http://a", 5), new EndpointDefinition("http://b", 2) };

        var routed = PanicRouting.Select(endpoints, Up(), 50, out _);

        Assert.Equal([5, 2], routed.Select(e => e.Weight));
    }

    private static EndpointDefinition[] Endpoints(params (string Url, bool Drain)[] endpoints) =>
        [.. endpoints.Select(e => new EndpointDefinition(e.Url, Drain: e.Drain))];

    private static Func<EndpointDefinition, bool> Up(params string[] urls) => e => urls.Contains(e.Url, StringComparer.Ordinal);
}
