using Silo.Api.LoadBalancing;
using Silo.Grains.LoadBalancing;

namespace Silo.Api.Tests.LoadBalancing;

public sealed class LeastOutstandingPickerTests : EndpointPickerContractTests
{
    protected override IEndpointPicker Create() => new LeastOutstandingPicker();

    private static void Load(EndpointLoad endpoint, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            endpoint.BeginRequest();
        }
    }

    [Fact]
    public void Pick_AlwaysTakesTheLeastLoaded()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 1, 1, 1);
        Load(endpoints[0], 5);
        Load(endpoints[1], 2);
        Load(endpoints[2], 9);
        Load(endpoints[3], 3);

        Assert.All(Enumerable.Range(0, 1_000), _ => Assert.Equal(1, picker.Pick(endpoints)));
    }

    [Fact]
    public void Pick_SpreadsTiesEvenly()
    {
        var endpoints = Endpoints(1, 1, 1, 1);
        Load(endpoints[1], 1);

        var counts = Counts(Create(), endpoints, 9_999);

        Assert.Equal([3_333, 0, 3_333, 3_333], counts);
    }

    [Fact]
    public void Pick_WhenEachPickStaysInFlight_LevelsTheLoad()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 1, 1);
        Load(endpoints[0], 10);

        for (var i = 0; i < 10_000; i++)
        {
            endpoints[picker.Pick(endpoints)].BeginRequest();
        }

        // 10 010 in flight: the two empty endpoints caught up first, then all three grew together.
        Assert.Equal([3_337, 3_337, 3_336], endpoints.Select(e => e.Outstanding).OrderDescending());
    }

    [Fact]
    public void Pick_ComparesLoadRelativeToWeight()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 4);
        Load(endpoints[0], 1);
        Load(endpoints[1], 3);

        // 3 of weight 4 is lighter than 1 of weight 1.
        Assert.Equal(1, picker.Pick(endpoints));
        Load(endpoints[1], 2);
        Assert.Equal(0, picker.Pick(endpoints));
    }

    [Fact]
    public void EndRequest_MakesTheEndpointEligibleAgain()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 1);
        Load(endpoints[0], 2);
        Load(endpoints[1], 1);
        Assert.Equal(1, picker.Pick(endpoints));

        endpoints[0].EndRequest();
        endpoints[0].EndRequest();

        Assert.Equal(0, picker.Pick(endpoints));
    }
}
