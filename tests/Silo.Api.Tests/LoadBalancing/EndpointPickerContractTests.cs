using Silo.Api.LoadBalancing;
using Silo.Grains.LoadBalancing;

namespace Silo.Api.Tests.LoadBalancing;

/// <summary>What every picker must do; each picker's own class adds its distribution.</summary>
public abstract class EndpointPickerContractTests
{
    protected abstract IEndpointPicker Create();

    protected static EndpointLoad[] Endpoints(params int[] weights) =>
        weights.Select((w, i) => new EndpointLoad("http://e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), w)).ToArray();

    protected static int[] Counts(IEndpointPicker picker, IReadOnlyList<EndpointLoad> endpoints, int picks)
    {
        var counts = new int[endpoints.Count];
        for (var i = 0; i < picks; i++)
        {
            counts[picker.Pick(endpoints)]++;
        }

        return counts;
    }

    [Fact]
    public void Pick_SingleEndpoint_IsAlwaysIt()
    {
        var picker = Create();
        var endpoints = Endpoints(3);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(0, picker.Pick(endpoints)));
    }

    [Fact]
    public void Pick_Empty_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create().Pick([]));
    }

    [Fact]
    public void Pick_AlwaysInRange_AsTheListShrinksAndGrows()
    {
        var picker = Create();
        var all = Endpoints(1, 2, 3, 4, 5);

        for (var i = 0; i < 1000; i++)
        {
            var filtered = all.Take((i % all.Length) + 1).ToArray();
            Assert.InRange(picker.Pick(filtered), 0, filtered.Length - 1);
        }
    }

    [Fact]
    public void Pick_EqualIdleEndpoints_AllGetTraffic()
    {
        var picker = Create();

        var counts = Counts(picker, Endpoints(1, 1, 1, 1), 10_000);

        Assert.All(counts, c => Assert.InRange(c, 2_000, 3_000));
    }

    [Fact]
    public void Pick_ConcurrentCallers_StayInRange()
    {
        var picker = Create();
        var endpoints = Endpoints(1, 2, 3);
        var bad = 0;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                if ((uint)picker.Pick(endpoints) >= (uint)endpoints.Length)
                {
                    Interlocked.Increment(ref bad);
                }
            }
        });

        Assert.Equal(0, bad);
    }
}
