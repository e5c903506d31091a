using Silo.Runtime.Serialization;
using Silo.Runtime.Tests.Grains;
using Silo.TestKit;

namespace Silo.Runtime.Tests.Invocation;

/// <summary>Calls that go through the codec, as calls to another silo will.</summary>
public sealed class SerializedCallTests
{
    [Fact]
    public async Task SerializedCall_RoundTripsRecordsListsEnumsNullablesAndDictionaries()
    {
        await using var silo = await TestSilo.StartAsync(o => o.SerializeLocalCalls = true);
        var counter = silo.Grains.GetGrain<ICounterGrain>("ser");
        await counter.AddAsync(2).Bounded();
        var at = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.FromHours(2));

        var snapshot = await counter.SnapshotAsync(new CounterQuery("q", [1, 2, 3], CounterKind.Durable, null, at)).Bounded();

        Assert.Equal("q", snapshot.Label);
        Assert.Equal(8, snapshot.Total);
        Assert.Equal([1, 2, 3], snapshot.Weights);
        Assert.Equal(CounterKind.Durable, snapshot.Kind);
        Assert.Null(snapshot.Limit);
        Assert.Equal(at, snapshot.At);
        Assert.Equal(2, snapshot.Extra["value"]);
    }

    [Fact]
    public async Task SerializedCall_CopiesArguments()
    {
        await using var silo = await TestSilo.StartAsync(o => o.SerializeLocalCalls = true);
        var weights = new List<int> { 1 };
        var query = new CounterQuery("copy", weights, CounterKind.Plain, 5, DateTimeOffset.UnixEpoch);

        var snapshot = await silo.Grains.GetGrain<ICounterGrain>("copy").SnapshotAsync(query).Bounded();

        Assert.NotSame(weights, snapshot.Weights);
    }

    [Fact]
    public async Task SerializedCall_PropagatesExceptions()
    {
        await using var silo = await TestSilo.StartAsync(o => o.SerializeLocalCalls = true);

        await Assert.ThrowsAsync<ArgumentException>(() => silo.Grains.GetGrain<ICounterGrain>("f").FailAsync("nope").Bounded());
    }

    [Fact]
    public void Codec_ArgumentsRoundTrip_ThroughRegistry()
    {
        var info = GrainInterfaceRegistry.Get(typeof(ICounterGrain));
        Assert.Equal("counter", info.GrainType);
        Assert.True(GrainInterfaceRegistry.TryGet(typeof(ICounterGrain).FullName!, out var byName));
        Assert.Same(info, byName);

        var codec = GrainCodec.Default;
        var original = info.CreateRequest(0);
        Assert.Equal("AddAsync", original.MethodName);
        codec.DeserializeArguments(original, "[41]"u8.ToArray());
        var bytes = codec.SerializeArguments(original);

        Assert.Equal("[41]", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Throws<System.Text.Json.JsonException>(() => codec.DeserializeArguments(info.CreateRequest(0), "{}"u8.ToArray()));
    }
}
