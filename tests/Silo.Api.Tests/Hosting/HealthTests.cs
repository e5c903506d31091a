using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Hosting;

public sealed class HealthTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Live_And_Ready_Are200_OnceStarted()
    {
        using var client = gateway.CreateClient();

        Assert.Equal("live", (await Expect.JsonAsync(await client.GetAsync("/health/live"), 200)).GetProperty("status").GetString());
        Assert.Equal("ready", (await Expect.JsonAsync(await client.GetAsync("/health/ready"), 200)).GetProperty("status").GetString());
    }
}
