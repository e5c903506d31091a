using Microsoft.Extensions.DependencyInjection;
using Silo.Runtime.Testing;
using Silo.Runtime.Tests.Grains;
using Silo.TestKit;

namespace Silo.Runtime.Tests.Cluster;

/// <summary>Three silos and clients in one process, over real loopback connections.</summary>
[Collection("Cluster")]
public sealed class TestClusterTests
{
    private static Task<TestCluster> StartAsync(int silos = 3) =>
        TestCluster.StartAsync(
            silos,
            silo => silo.AddGrain<ICounterGrain, CounterGrain>().AddGrain<ITickerGrain, TickerGrain>(),
            services => services.AddSingleton<GrainProbe>());

    [Fact]
    public async Task Grains_SpreadOverSilos_AndEveryoneAgreesOnOwners()
    {
        await using var cluster = await StartAsync();
        var client = await cluster.CreateClientAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => client.GetGrain<ICounterGrain>($"c{i}").AddAsync(i))).Bounded();

        Assert.Equal(Enumerable.Range(0, 60), results);
        var owners = Enumerable.Range(0, 60).Select(i => new GrainId("counter", $"c{i}")).ToArray();
        foreach (var id in owners)
        {
            var seen = cluster.Silos.Select(s => TestCluster.OwnerSeenBy(s, id)).Distinct().ToArray();
            Assert.Single(seen);
        }

        Assert.Equal(3, owners.Select(id => TestCluster.OwnerSeenBy(cluster.Silos[0], id)).Distinct().Count());
        Assert.Equal(60, cluster.Silos.Sum(s => s.Services.GetRequiredService<GrainProbe>().Activations));
    }

    [Fact]
    public async Task RemoteCalls_PropagateResultsExceptionsAndGrainToGrainCalls()
    {
        await using var cluster = await StartAsync();
        var client = await cluster.CreateClientAsync();
        var counter = client.GetGrain<ICounterGrain>("remote");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => counter.FailAsync("boom").Bounded());
        Assert.StartsWith("boom", ex.Message, StringComparison.Ordinal);
        Assert.Equal(7, await counter.AddThroughAsync("other", 7).Bounded());
        Assert.Equal(7, await client.GetGrain<ICounterGrain>("other").GetAsync().Bounded());
        var snapshot = await counter.SnapshotAsync(new CounterQuery("q", [1, 2], CounterKind.Durable, 3, DateTimeOffset.UnixEpoch)).Bounded();
        Assert.Equal(3, snapshot.Total);
    }

    [Fact]
    public async Task TwoClients_CountExactly_OnOneGrain()
    {
        await using var cluster = await StartAsync();
        var a = await cluster.CreateClientAsync();
        var b = await cluster.CreateClientAsync();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? a : b).GetGrain<ICounterGrain>("shared").AddAsync(1))).Bounded();

        Assert.Equal(200, await a.GetGrain<ICounterGrain>("shared").GetAsync().Bounded());
    }

    [Fact]
    public async Task GracefulStop_UnderLoad_FailsNoCall_AndKeepsState()
    {
        await using var cluster = await StartAsync();
        var client = await cluster.CreateClientAsync();
        for (var i = 0; i < 30; i++)
        {
            await client.GetGrain<ICounterGrain>($"g{i}").AddAsync(1).Bounded();
        }

        using var stop = new CancellationTokenSource();
        var calls = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await client.GetGrain<ICounterGrain>($"g{calls % 30}").GetAsync();
                Interlocked.Increment(ref calls);
            }
        });
        await Await.UntilAsync(() => Volatile.Read(ref calls) > 50, "load is running");

        await cluster.StopSiloAsync(cluster.Silos[1]);
        var atStop = Volatile.Read(ref calls);

        // A failed call ends the load loop: surface its exception rather than waiting out the bound.
        await Await.UntilAsync(() => load.IsFaulted || Volatile.Read(ref calls) > atStop + 50, "load continues on the remaining silos");
        await stop.CancelAsync();

        // A failed call would have faulted the load task.
        await load.Bounded();

        // Each counter's state was flushed by its old silo and read by its new one.
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(2, await client.GetGrain<ICounterGrain>($"g{i}").AddAsync(1).Bounded());
        }
    }

    [Fact]
    public async Task Join_MovesGrains_WithoutLosingState()
    {
        await using var cluster = await StartAsync(silos: 2);
        var client = await cluster.CreateClientAsync();
        for (var i = 0; i < 30; i++)
        {
            await client.GetGrain<ICounterGrain>($"j{i}").AddAsync(5).Bounded();
            await client.GetGrain<ICounterGrain>($"j{i}").SaveAsync().Bounded();
        }

        await cluster.StartSiloAsync();
        var newSilo = TestCluster.AddressOf(cluster.Silos[2]);
        await Await.UntilAsync(() => TestCluster.OwnerSeenBy(cluster.Silos[0], new GrainId("counter", "x")) is not null && cluster.Silos.All(s => s.Services.GetRequiredService<Silo.Runtime.Cluster.ClusterMembershipService>().Placement.Silos.Count == 3), "every silo sees the new one");

        var moved = Enumerable.Range(0, 30).Count(i => TestCluster.OwnerSeenBy(cluster.Silos[0], new GrainId("counter", $"j{i}")) == newSilo);
        Assert.InRange(moved, 1, 29);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(6, await client.GetGrain<ICounterGrain>($"j{i}").AddAsync(1).Bounded());
        }
    }
}
