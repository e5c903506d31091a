using Silo.Runtime.Membership;

namespace Silo.Runtime.Tests.Membership;

/// <summary>What every <see cref="IMembershipTable"/> must do; inherited by the in-memory and Redis tables.</summary>
public abstract class MembershipTableContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract Task<IMembershipTable> CreateTableAsync();

    [Fact]
    public async Task EmptyTable_HasVersionZero()
    {
        var table = await CreateTableAsync();

        var snapshot = await table.ReadAllAsync();

        Assert.Equal(0, snapshot.Version);
        Assert.Empty(snapshot.Entries);
    }

    [Fact]
    public async Task Insert_AddsRow_AndBumpsVersion()
    {
        var table = await CreateTableAsync();

        Assert.True(await table.InsertRowAsync(Row("a:1@1"), 0));

        var snapshot = await table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version);
        var row = Assert.Single(snapshot.Entries);
        Assert.Equal("a:1@1", row.Silo);
        Assert.Equal(SiloStatus.Joining, row.Status);
        Assert.Equal(new SiloAddress("a", 1, 1), row.Address);
    }

    [Fact]
    public async Task ConcurrentInsertsAtTheSameVersion_ExactlyOneWins()
    {
        var table = await CreateTableAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => table.InsertRowAsync(Row($"s{i}:1@1"), 0))));

        Assert.Equal(1, results.Count(r => r));
        Assert.Single((await table.ReadAllAsync()).Entries);
    }

    [Fact]
    public async Task StaleVersionUpdate_Fails_AndChangesNothing()
    {
        var table = await CreateTableAsync();
        await table.InsertRowAsync(Row("a:1@1"), 0);
        await table.UpdateRowAsync(Row("a:1@1", SiloStatus.Active), 1);

        Assert.False(await table.UpdateRowAsync(Row("a:1@1", SiloStatus.Dead), 1));

        var snapshot = await table.ReadAllAsync();
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(SiloStatus.Active, snapshot.Entries[0].Status);
    }

    [Fact]
    public async Task InsertOfExistingRow_AndUpdateOfMissingRow_Fail()
    {
        var table = await CreateTableAsync();
        await table.InsertRowAsync(Row("a:1@1"), 0);

        Assert.False(await table.InsertRowAsync(Row("a:1@1"), 1));
        Assert.False(await table.UpdateRowAsync(Row("b:1@1"), 1));
    }

    [Fact]
    public async Task TwentyParallelUpdaters_LeaveAConsistentTable()
    {
        var table = await CreateTableAsync();
        await table.InsertRowAsync(Row("a:1@1"), 0);
        var successes = 0;

        async Task UpdaterAsync(int id)
        {
            for (var done = 0; done < 3;)
            {
                var snapshot = await table.ReadAllAsync();
                var row = snapshot.Entries[0];
                var votes = row.Suspicions.Append(new SuspectVote($"v{id}-{done}", Start)).ToArray();
                if (await table.UpdateRowAsync(row with { Suspicions = votes }, snapshot.Version))
                {
                    Interlocked.Increment(ref successes);
                    done++;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => UpdaterAsync(i))));

        var final = await table.ReadAllAsync();
        Assert.Equal(60, successes);
        Assert.Equal(61, final.Version);
        Assert.Equal(60, final.Entries[0].Suspicions.Select(v => v.Voter).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task IAmAlive_UpdatesTime_WithoutChangingVersion()
    {
        var table = await CreateTableAsync();
        await table.InsertRowAsync(Row("a:1@1"), 0);

        await table.UpdateIAmAliveAsync("a:1@1", Start.AddMinutes(5));

        var snapshot = await table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version);
        Assert.Equal(Start.AddMinutes(5), snapshot.Entries[0].IAmAliveTime);
    }

    [Fact]
    public async Task Watch_IsCalled_WhenARowChanges()
    {
        var table = await CreateTableAsync();
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watch = await table.WatchAsync(() => changed.TrySetResult());

        await table.InsertRowAsync(Row("a:1@1"), 0);

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static MembershipEntry Row(string silo, SiloStatus status = SiloStatus.Joining) => new(silo, status, Start, Start, []);
}
