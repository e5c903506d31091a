using Silo.Api.LoadBalancing;
using Silo.Grains.LoadBalancing;

namespace Silo.Api.Tests.LoadBalancing;

public sealed class RoundRobinPickerTests : EndpointPickerContractTests
{
    protected override IEndpointPicker Create() => new RoundRobinPicker();

    [Fact]
    public void Pick_TenThousand_IsExactlyEven_IgnoringWeightAndLoad()
    {
        var endpoints = Endpoints(1, 5, 10, 1);
        endpoints[0].BeginRequest();

        var counts = Counts(Create(), endpoints, 10_000);

        Assert.Equal([2_500, 2_500, 2_500, 2_500], counts);
    }

    [Fact]
    public void Pick_InTurn()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 1, 1);

        Assert.Equal([0, 1, 2, 0, 1, 2], Enumerable.Range(0, 6).Select(_ => picker.Pick(endpoints)));
    }

    [Fact]
    public void Pick_FromSeveralThreads_KeepsExactCounts()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 1, 1, 1);
        var counts = new int[endpoints.Length];

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                Interlocked.Increment(ref counts[picker.Pick(endpoints)]);
            }
        });

        Assert.Equal([10_000, 10_000, 10_000, 10_000], counts);
    }
}
