using Microsoft.Extensions.DependencyInjection;
using Silo.Api.Endpoints;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.DataPlane;

/// <summary>The front end's cache of key grain references: one reference per key id, and never unbounded.</summary>
public sealed class ApiKeyGrainsTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public void SameKeyId_GetsTheSameReference_AndAFloodOfIdsStaysWithinTheCapacity()
    {
        var keys = gateway.Services.GetRequiredService<ApiKeyGrains>();

        Assert.Same(keys.Get("AAAAAAAAAAAA"), keys.Get("AAAAAAAAAAAA"));
        for (var i = 0; i < ApiKeyGrains.Capacity + 10; i++)
        {
            keys.Get("k" + i.ToString("D11", System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(keys.Count <= ApiKeyGrains.Capacity, $"{keys.Count} references held");
        }
    }
}
