using Silo.Runtime.Tests.Grains;
using Silo.TestKit;

namespace Silo.Runtime.Tests.Activation;

public sealed class LifecycleTests
{
    [Fact]
    public async Task ManyCallsAndReferences_ActivateOnce()
    {
        await using var silo = await TestSilo.StartAsync();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => silo.Grains.GetGrain<ICounterGrain>("once").GetAsync()))).Bounded();

        Assert.Equal(1, silo.Probe.Activations);
        Assert.Equal(1, silo.Catalog.Count);
    }

    [Fact]
    public async Task IdleGrain_DeactivatesAfterCollectionAge_AndFlushesState()
    {
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.CollectionAge = TimeSpan.FromMinutes(2);
            o.CollectionQuantum = TimeSpan.FromSeconds(30);
        });
        var counter = silo.Grains.GetGrain<ICounterGrain>("idle");
        await counter.AddAsync(7).Bounded();

        silo.Time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(0, silo.Probe.Deactivations);

        silo.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(DeactivationReason.Idle, await silo.Probe.Deactivated.Task.Bounded());
        await Await.UntilAsync(() => silo.Catalog.Count == 0, "the collected activation leaves the catalog");
        Assert.Equal(1, silo.Storage.Count);

        // The next call activates a new instance, which reads the flushed state.
        Assert.Equal(8, await counter.AddAsync(1).Bounded());
        Assert.Equal(2, silo.Probe.Activations);
    }

    [Fact]
    public async Task BusyGrain_IsNotCollected()
    {
        await using var silo = await TestSilo.StartAsync(o =>
        {
            o.CollectionAge = TimeSpan.FromMinutes(2);
            o.CollectionQuantum = TimeSpan.FromSeconds(30);
        });
        var counter = silo.Grains.GetGrain<ICounterGrain>("busy");

        for (var i = 0; i < 10; i++)
        {
            await counter.AddAsync(1).Bounded();
            silo.Time.Advance(TimeSpan.FromSeconds(60));
        }

        Assert.Equal(0, silo.Probe.Deactivations);
        Assert.Equal(1, silo.Probe.Activations);
    }

    [Fact]
    public async Task Shutdown_DeactivatesEveryGrain_AndFlushesState()
    {
        var silo = await TestSilo.StartAsync();
        await silo.Grains.GetGrain<ICounterGrain>("s1").AddAsync(1).Bounded();
        await silo.Grains.GetGrain<ICounterGrain>("s2").AddAsync(2).Bounded();
        var storage = silo.Storage;
        var probe = silo.Probe;

        await silo.DisposeAsync();

        Assert.Equal(2, probe.Deactivations);
        Assert.Contains("deactivate:s1:ShuttingDown", probe.Events);
        Assert.Equal(2, storage.Count);
    }

    [Fact]
    public async Task FailedActivation_FailsTheCall_AndNextCallRetries()
    {
        await using var silo = await TestSilo.StartAsync();
        silo.Probe.FailActivation = true;
        var counter = silo.Grains.GetGrain<ICounterGrain>("broken");

        var ex = await Assert.ThrowsAsync<GrainActivationException>(() => counter.AddAsync(1).Bounded());
        Assert.IsType<InvalidOperationException>(ex.InnerException);

        silo.Probe.FailActivation = false;
        Assert.Equal(1, await counter.AddAsync(1).Bounded());
        Assert.Equal(2, silo.Probe.Activations);
    }

    [Fact]
    public async Task CallsQueuedBehindDeactivation_RunOnNextActivation()
    {
        await using var silo = await TestSilo.StartAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("moving");
        await counter.AddAsync(1).Bounded();

        var deactivation = silo.Catalog.DeactivateAsync(new GrainId("counter", "moving"), DeactivationReason.ApplicationRequested);
        var afterwards = Enumerable.Range(0, 20).Select(_ => counter.AddAsync(1)).ToArray();
        await deactivation.Bounded();
        await Task.WhenAll(afterwards).Bounded();

        Assert.Equal(21, await counter.GetAsync().Bounded());
        Assert.Equal(2, silo.Probe.Activations);
    }

    [Fact]
    public async Task UnregisteredGrainType_FailsWithClearError()
    {
        await using var silo = await TestSilo.StartAsync();
        var missing = silo.Grains.GetGrain<IUnregisteredGrain>("x");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => missing.PingAsync().Bounded());
        Assert.Contains("unregistered", ex.Message, StringComparison.Ordinal);
    }
}

public interface IUnregisteredGrain : IGrainWithStringKey
{
    Task PingAsync();
}
