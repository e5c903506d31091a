using Silo.Api.LoadBalancing;
using Silo.Grains.LoadBalancing;

namespace Silo.Api.Tests.LoadBalancing;

public sealed class EndpointPickersTests
{
    [Theory]
    [InlineData(LoadBalancingPolicy.RoundRobin, typeof(RoundRobinPicker))]
    [InlineData(LoadBalancingPolicy.WeightedRoundRobin, typeof(WeightedRoundRobinPicker))]
    [InlineData(LoadBalancingPolicy.LeastOutstanding, typeof(LeastOutstandingPicker))]
    [InlineData(LoadBalancingPolicy.PowerOfTwoChoices, typeof(PowerOfTwoChoicesPicker))]
    public void Create_EachPolicy_ItsPicker(LoadBalancingPolicy policy, Type expected)
    {
        Assert.IsType(expected, EndpointPickers.Create(policy));
    }

    [Fact]
    public void Create_EachCall_AFreshPicker()
    {
        Assert.NotSame(EndpointPickers.Create(LoadBalancingPolicy.RoundRobin), EndpointPickers.Create(LoadBalancingPolicy.RoundRobin));
    }

    [Fact]
    public void Create_UnknownPolicy_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EndpointPickers.Create((LoadBalancingPolicy)99));
    }

    [Fact]
    public void EndpointLoad_CountsInFlightRequests()
    {
        var endpoint = new EndpointLoad("http://a", weight: 3);

        endpoint.BeginRequest();
        endpoint.BeginRequest();
        endpoint.EndRequest();

        Assert.Equal(1, endpoint.Outstanding);
        Assert.Equal(3, endpoint.Weight);
        Assert.Equal("http://a", endpoint.Url);
    }

    [Fact]
    public void EndpointLoad_RejectsWeightBelowOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EndpointLoad("http://a", weight: 0));
    }
}
