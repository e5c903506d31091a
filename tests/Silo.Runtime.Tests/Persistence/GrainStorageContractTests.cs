using System.Text;

namespace Silo.Runtime.Tests.Persistence;

/// <summary>
/// What every <see cref="IGrainStorage"/> must do. Each provider's test class inherits this suite
/// (the in-memory one here; the Redis one in the Redis tier).
/// </summary>
public abstract class GrainStorageContractTests
{
    private static readonly GrainId Grain = new("contract", "g1");

    protected abstract Task<IGrainStorage> CreateStorageAsync();

    [Fact]
    public async Task Read_MissingRecord_ReturnsNull()
    {
        var storage = await CreateStorageAsync();

        Assert.Null(await storage.ReadAsync("s", Unique(), CancellationToken.None));
    }

    [Fact]
    public async Task Write_ThenRead_ReturnsDataAndEtag()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();

        var etag = await storage.WriteAsync("s", grain, Bytes("one"), null, CancellationToken.None);
        var record = await storage.ReadAsync("s", grain, CancellationToken.None);

        Assert.NotNull(record);
        Assert.Equal("one", Text(record.Data));
        Assert.Equal(etag, record.Etag);
    }

    [Fact]
    public async Task Write_WithCurrentEtag_ReplacesAndChangesEtag()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();
        var first = await storage.WriteAsync("s", grain, Bytes("one"), null, CancellationToken.None);

        var second = await storage.WriteAsync("s", grain, Bytes("two"), first, CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.Equal("two", Text((await storage.ReadAsync("s", grain, CancellationToken.None))!.Data));
    }

    [Fact]
    public async Task Write_WithStaleEtag_ThrowsAndKeepsStoredRecord()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();
        var first = await storage.WriteAsync("s", grain, Bytes("one"), null, CancellationToken.None);
        await storage.WriteAsync("s", grain, Bytes("two"), first, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("s", grain, Bytes("stale"), first, CancellationToken.None));

        Assert.Equal("two", Text((await storage.ReadAsync("s", grain, CancellationToken.None))!.Data));
    }

    [Fact]
    public async Task Insert_WhenRecordExists_Throws()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();
        await storage.WriteAsync("s", grain, Bytes("one"), null, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("s", grain, Bytes("dup"), null, CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentInserts_ExactlyOneWins()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();

        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteAsync("s", grain, Bytes($"w{i}"), null, CancellationToken.None);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        var outcomes = await Task.WhenAll(attempts);
        Assert.Equal(1, outcomes.Count(won => won));
    }

    [Fact]
    public async Task Clear_WithCurrentEtag_RemovesRecord()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();
        var etag = await storage.WriteAsync("s", grain, Bytes("one"), null, CancellationToken.None);

        await storage.ClearAsync("s", grain, etag, CancellationToken.None);

        Assert.Null(await storage.ReadAsync("s", grain, CancellationToken.None));
        // A cleared record can be inserted again.
        await storage.WriteAsync("s", grain, Bytes("again"), null, CancellationToken.None);
    }

    [Fact]
    public async Task Clear_WithStaleEtag_Throws()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();
        var first = await storage.WriteAsync("s", grain, Bytes("one"), null, CancellationToken.None);
        await storage.WriteAsync("s", grain, Bytes("two"), first, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearAsync("s", grain, first, CancellationToken.None));
    }

    [Fact]
    public async Task StateNamesAndGrains_AreIndependent()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();
        var other = Unique();
        await storage.WriteAsync("a", grain, Bytes("a"), null, CancellationToken.None);
        await storage.WriteAsync("b", grain, Bytes("b"), null, CancellationToken.None);
        await storage.WriteAsync("a", other, Bytes("other"), null, CancellationToken.None);

        Assert.Equal("a", Text((await storage.ReadAsync("a", grain, CancellationToken.None))!.Data));
        Assert.Equal("b", Text((await storage.ReadAsync("b", grain, CancellationToken.None))!.Data));
        Assert.Equal("other", Text((await storage.ReadAsync("a", other, CancellationToken.None))!.Data));
        Assert.NotEqual(Grain, grain);
    }

    [Fact]
    public async Task StoredBytes_AreACopy()
    {
        var storage = await CreateStorageAsync();
        var grain = Unique();
        var data = Bytes("orig");

        await storage.WriteAsync("s", grain, data, null, CancellationToken.None);
        data[0] = (byte)'X';

        Assert.Equal("orig", Text((await storage.ReadAsync("s", grain, CancellationToken.None))!.Data));
    }

    private static GrainId Unique() => new("contract", Guid.NewGuid().ToString("N"));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> data) => Encoding.UTF8.GetString(data.Span);
}
