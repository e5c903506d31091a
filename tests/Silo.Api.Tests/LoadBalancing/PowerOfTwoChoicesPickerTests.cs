using Silo.Api.LoadBalancing;
using Silo.Grains.LoadBalancing;

namespace Silo.Api.Tests.LoadBalancing;

public sealed class PowerOfTwoChoicesPickerTests : EndpointPickerContractTests
{
    protected override IEndpointPicker Create() => new PowerOfTwoChoicesPicker(Random.Shared);

    private static PowerOfTwoChoicesPicker Seeded(int seed = 42) => new(new Random(seed));

    private static void Load(EndpointLoad endpoint, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            endpoint.BeginRequest();
        }
    }

    [Fact]
    public void Pick_NeverTakesTheMostLoadedOfThree()
    {
        var endpoints = Endpoints(1, 1, 1);
        Load(endpoints[0], 2);
        Load(endpoints[1], 50);
        Load(endpoints[2], 5);

        var counts = Counts(Seeded(), endpoints, 10_000);

        Assert.Equal(0, counts[1]);
        // The least loaded wins every draw it is in (2 of 3 pairs); the middle one only the pair without it.
        Assert.InRange(counts[0], 6_300, 7_000);
        Assert.InRange(counts[2], 3_000, 3_700);
    }

    [Fact]
    public void Pick_EqualLoads_AreRoughlyEven()
    {
        var counts = Counts(Seeded(), Endpoints(1, 1, 1), 10_000);

        Assert.All(counts, c => Assert.InRange(c, 3_033, 3_633));
    }

    [Fact]
    public void Pick_SameSeed_SameSequence()
    {
        var endpoints = Endpoints(1, 1, 1, 1, 1);
        var a = Seeded(7);
        var b = Seeded(7);

        var first = Enumerable.Range(0, 1_000).Select(_ => a.Pick(endpoints)).ToArray();
        var second = Enumerable.Range(0, 1_000).Select(_ => b.Pick(endpoints)).ToArray();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Pick_TwoEndpoints_AlwaysComparesBoth()
    {
        var endpoints = Endpoints(1, 1);
        Load(endpoints[0], 1);

        Assert.Equal([0, 10_000], Counts(Seeded(), endpoints, 10_000));
    }

    [Fact]
    public void Pick_IdleWeightedEndpoints_GetTrafficInProportionToWeight()
    {
        var counts = Counts(Seeded(), Endpoints(1, 2, 7), 10_000);

        Assert.InRange(counts[0], 800, 1_200);
        Assert.InRange(counts[1], 1_700, 2_300);
        Assert.InRange(counts[2], 6_600, 7_400);
    }

    [Fact]
    public void Pick_ComparesLoadRelativeToWeight()
    {
        var endpoints = Endpoints(1, 10);
        Load(endpoints[0], 1);
        Load(endpoints[1], 5);

        // 5 of weight 10 is lighter than 1 of weight 1: the heavy endpoint wins every draw.
        Assert.Equal([0, 1_000], Counts(Seeded(), endpoints, 1_000));
    }

    [Fact]
    public void Pick_WhenEachPickStaysInFlight_KeepsLoadsClose()
    {
        var picker = Seeded();
        var endpoints = Endpoints(1, 1, 1, 1, 1, 1, 1, 1);

        for (var i = 0; i < 8_000; i++)
        {
            endpoints[picker.Pick(endpoints)].BeginRequest();
        }

        // Two choices keep the gap small (random choice alone would spread about ±30 here).
        var loads = endpoints.Select(e => e.Outstanding).ToArray();
        Assert.True(loads.Max() - loads.Min() <= 4, string.Join(",", loads));
    }
}
