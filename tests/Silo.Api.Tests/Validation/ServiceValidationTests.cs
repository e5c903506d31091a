using Silo.Grains.LoadBalancing;
using Silo.Api.LoadBalancing;
using Silo.Api.Validation;
using Silo.Grains.Services;

namespace Silo.Api.Tests.Validation;

public sealed class ServiceValidationTests
{
    [Theory]
    [InlineData("orders", true)]
    [InlineData("a", true)]
    [InlineData("orders-v2", true)]
    [InlineData("", false)]
    [InlineData("-orders", false)]
    [InlineData("Orders", false)]
    [InlineData("or_ders", false)]
    [InlineData("or/ders", false)]
    public void ServiceIds(string id, bool valid) => Assert.Equal(valid, ServiceValidation.IsServiceId(id));

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("https://api.internal/base", true)]
    [InlineData("ftp://host", false)]
    [InlineData("http://user:pw@host", false)]
    [InlineData("http://host/?q=1", false)]
    [InlineData("/relative", false)]
    [InlineData("not a url", false)]
    public void EndpointUrls(string url, bool valid)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);

        ServiceValidation.Validate(new ServiceDefinition("svc", [new EndpointDefinition(url)], LoadBalancingPolicy.RoundRobin, 10, null, null), errors);

        Assert.Equal(valid, !errors.ContainsKey("endpoints[0].url"));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(0, true)]
    [InlineData(50, true)]
    [InlineData(100, true)]
    [InlineData(-1, false)]
    [InlineData(101, false)]
    public void PanicThreshold_IsAPercentage_Or0ToTurnItOff(int? percent, bool valid)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);

        ServiceValidation.Validate(new ServiceDefinition("svc", [new EndpointDefinition("http://127.0.0.1:5000")], LoadBalancingPolicy.RoundRobin, 10, null, null, PanicThresholdPercent: percent), errors);

        Assert.Equal(valid, !errors.ContainsKey("panicThresholdPercent"));
    }

    [Fact]
    public void RoundRobin_VisitsEachEndpointEvenly()
    {
        var picker = new RoundRobinPicker();

        var counts = Enumerable.Range(0, 10_000).Select(_ => picker.Next(3)).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal([3333, 3333, 3334], counts.Values.Order());
    }
}
