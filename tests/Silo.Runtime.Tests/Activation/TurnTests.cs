using Silo.Runtime.Tests.Grains;
using Silo.TestKit;

namespace Silo.Runtime.Tests.Activation;

public sealed class TurnTests
{
    [Fact]
    public async Task Counter_HundredConcurrentCalls_LoseNoIncrementAndNeverOverlap()
    {
        await using var silo = await TestSilo.StartAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("c1");

        // Callers on many threads at once; each call yields inside its turn, so overlapping turns would lose updates.
        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(() => counter.AddAsync(1))).ToArray();
        var results = await Task.WhenAll(calls).Bounded();

        Assert.Equal(100, await counter.GetAsync().Bounded());
        Assert.Equal(Enumerable.Range(1, 100), results.Order());
        Assert.Equal(1, silo.Probe.MaxConcurrentTurns);
        Assert.Equal(1, silo.Probe.Activations);
    }

    [Fact]
    public async Task GrainToGrainCall_ReturnsCalleeResult()
    {
        await using var silo = await TestSilo.StartAsync();
        var a = silo.Grains.GetGrain<ICounterGrain>("a");

        Assert.Equal(5, await a.AddThroughAsync("b", 5).Bounded());
        Assert.Equal(5, await silo.Grains.GetGrain<ICounterGrain>("b").GetAsync().Bounded());
        Assert.Equal(0, await a.GetAsync().Bounded());
    }

    [Fact]
    public async Task ValueTaskMethod_ReturnsResult()
    {
        await using var silo = await TestSilo.StartAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("v");
        await counter.AddAsync(3).Bounded();

        Assert.Equal(3, await counter.GetFastAsync().Bounded());
    }

    [Fact]
    public async Task GrainException_TravelsBackToCaller()
    {
        await using var silo = await TestSilo.StartAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("e");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => counter.FailAsync("bad amount").Bounded());
        Assert.StartsWith("bad amount", ex.Message, StringComparison.Ordinal);

        // The activation survives a failed call.
        Assert.Equal(1, await counter.AddAsync(1).Bounded());
    }

    [Fact]
    public async Task HangingCall_TimesOutAfterCallTimeout()
    {
        await using var silo = await TestSilo.StartAsync(o => o.CallTimeout = TimeSpan.FromSeconds(5));
        var counter = silo.Grains.GetGrain<ICounterGrain>("t");

        var call = counter.HangAsync();
        silo.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted);

        silo.Time.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<TimeoutException>(() => call.Bounded());
        silo.Probe.Hang.SetResult();
    }

    [Fact]
    public async Task CallQueuedBehindHangingCall_TimesOutWithoutRunning()
    {
        await using var silo = await TestSilo.StartAsync(o => o.CallTimeout = TimeSpan.FromSeconds(5));
        var counter = silo.Grains.GetGrain<ICounterGrain>("q");

        var hang = counter.HangAsync();

        // The hanging turn must be open before the second call queues behind it.
        await silo.Probe.HangEntered.Task.Bounded();
        var queued = counter.AddAsync(10);
        silo.Time.Advance(TimeSpan.FromSeconds(6));
        await Assert.ThrowsAsync<TimeoutException>(() => queued.Bounded());
        await Assert.ThrowsAsync<TimeoutException>(() => hang.Bounded());

        silo.Probe.Hang.SetResult();
        Assert.Equal(0, await counter.GetAsync().Bounded());
    }

    [Fact]
    public async Task Cancellation_CompletesCallerAndReachesGrain()
    {
        await using var silo = await TestSilo.StartAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("x");
        using var cts = new CancellationTokenSource();

        var call = counter.WaitForCancellationAsync(cts.Token);
        Assert.False(call.IsCompleted);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Bounded());

        // The turn ended (the grain observed the token), so the next call runs.
        Assert.Equal(1, await counter.AddAsync(1).Bounded());
    }

    [Fact]
    public async Task AlreadyCancelledToken_NeverReachesGrain()
    {
        await using var silo = await TestSilo.StartAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("pre");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => counter.WaitForCancellationAsync(new CancellationToken(canceled: true)).Bounded());
        Assert.Equal(0, silo.Probe.Activations);
    }
}
