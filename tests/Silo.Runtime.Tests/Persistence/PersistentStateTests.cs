using System.Text;
using Silo.Runtime.Tests.Grains;
using Silo.TestKit;

namespace Silo.Runtime.Tests.Persistence;

public sealed class PersistentStateTests
{
    [Fact]
    public async Task Write_AfterSomeoneElseWrote_ThrowsInconsistentState_AndActivationDeactivates()
    {
        await using var silo = await TestSilo.StartAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("etag");
        await counter.AddAsync(1).Bounded();
        await counter.SaveAsync().Bounded();

        // Another writer (a stale duplicate activation elsewhere, say) replaces the record.
        var id = new GrainId("counter", "etag");
        var current = await silo.Storage.ReadAsync("counter", id, CancellationToken.None);
        await silo.Storage.WriteAsync("counter", id, Encoding.UTF8.GetBytes("""{"Value":40}"""), current!.Etag, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.SaveAsync().Bounded());
        Assert.Equal(DeactivationReason.InconsistentState, await silo.Probe.Deactivated.Task.Bounded());

        // The next activation reads what the other writer stored.
        Assert.Equal(41, await counter.AddAsync(1).Bounded());
    }

    [Fact]
    public async Task State_IsReadBeforeOnActivate()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = new GrainId("counter", "preloaded");
        await silo.Storage.WriteAsync("counter", id, Encoding.UTF8.GetBytes("""{"Value":9}"""), null, CancellationToken.None);

        Assert.Equal(9, await silo.Grains.GetGrain<ICounterGrain>("preloaded").GetAsync().Bounded());
    }
}
