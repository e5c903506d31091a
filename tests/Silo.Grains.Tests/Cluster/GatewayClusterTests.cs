using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Cluster;

/// <summary>Admission on an in-process cluster of 3 silos, seen through front ends co-hosted in each of the 3 silos.</summary>
[Collection("Cluster")]
public sealed class GatewayClusterTests
{
    [Fact]
    public async Task Limits_AreExactAcrossThreeFrontEnds_AndRevokeIsVisibleEverywhereAtOnce()
    {
        await using var cluster = await GatewayCluster.StartAsync(silos: 3);
        var clients = cluster.SiloGrainFactories;
        var tenant = clients[0].GetGrain<ITenantGrain>("acme");
        Assert.True(await tenant.CreateAsync(new TenantDefinition("Acme", [])).Bounded());
        var (keyId, secret) = TestKeys.Generate();
        var hash = TestKeys.Hash(secret);
        Assert.Equal(CreateKeyStatus.Created, await tenant.CreateKeyAsync(keyId, new ApiKeyDefinition("k", [new LimitDefinition("l", LimitAlgorithm.FixedWindow, 25, 3600)], [], null), hash).Bounded());

        var results = await Task.WhenAll(Enumerable.Range(0, 90).Select(i =>
            clients[i % clients.Count].GetGrain<IApiKeyGrain>(keyId).AdmitAsync(new AdmissionRequest(hash, 1, null)))).Bounded();

        Assert.Equal(25, results.Count(r => r.IsAllowed));
        Assert.Equal(65, results.Count(r => r.Status == AdmissionStatus.Limited));

        Assert.True(await clients[1].GetGrain<IApiKeyGrain>(keyId).RevokeAsync().Bounded());
        foreach (var client in clients)
        {
            var after = await client.GetGrain<IApiKeyGrain>(keyId).AdmitAsync(new AdmissionRequest(hash, 1, null)).Bounded();
            Assert.Equal(AdmissionStatus.InvalidKey, after.Status);
        }
    }
}
