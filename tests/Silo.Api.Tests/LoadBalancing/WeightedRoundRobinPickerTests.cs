using Silo.Api.LoadBalancing;
using Silo.Grains.LoadBalancing;

namespace Silo.Api.Tests.LoadBalancing;

public sealed class WeightedRoundRobinPickerTests : EndpointPickerContractTests
{
    protected override IEndpointPicker Create() => new WeightedRoundRobinPicker();

    [Fact]
    public void Pick_Weights127_TenThousand_AreExact()
    {
        var counts = Counts(Create(), Endpoints(1, 2, 7), 10_000);

        Assert.Equal([1_000, 2_000, 7_000], counts);
    }

    [Fact]
    public void Pick_EveryCycleOfTotalWeight_HoldsEachWeightExactly()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 2, 7);

        for (var cycle = 0; cycle < 100; cycle++)
        {
            Assert.Equal([1, 2, 7], Counts(picker, endpoints, 10));
        }
    }

    [Fact]
    public void Pick_IsSmooth_NotBursty()
    {
        var picker = Create();
        var endpoints = Endpoints(5, 1, 1);

        var sequence = Enumerable.Range(0, 7).Select(_ => picker.Pick(endpoints)).ToArray();

        // nginx's example: a a b a c a a.
        Assert.Equal([0, 0, 1, 0, 2, 0, 0], sequence);
    }

    [Fact]
    public void Pick_AfterAnEndpointIsFilteredOut_KeepsTheRestInProportion()
    {
        var picker = Create();
        var all = Endpoints(1, 2, 7);
        Counts(picker, all, 13);
        var remaining = new[] { all[0], all[1] };

        var counts = Counts(picker, remaining, 3_000);

        Assert.InRange(counts[0], 999, 1_001);
        Assert.InRange(counts[1], 1_999, 2_001);
    }

    [Fact]
    public void Pick_FromSeveralThreads_KeepsExactCounts()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 2, 7);
        var counts = new int[endpoints.Length];

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                Interlocked.Increment(ref counts[picker.Pick(endpoints)]);
            }
        });

        Assert.Equal([4_000, 8_000, 28_000], counts);
    }
}
