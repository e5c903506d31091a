using Silo.Api.Caching;

namespace Silo.Api.Tests.Caching;

/// <summary>Budgets of the response cache's store: each tenant within its own, least recently used out first, never another tenant's entries.</summary>
public sealed class CacheStoreTests
{
    private static readonly CacheBudget Budget = new(MaxBytes: 300, MaxItems: 3);

    [Fact]
    public void ATenantOverItsBytesOrItems_LosesItsOwnLeastRecentlyUsed()
    {
        var store = new CacheStore(maxBytes: 10_000);
        store.Set("a1", "1", 100, isItem: true, "A", Budget, long.MaxValue);
        store.Set("a2", "2", 100, isItem: true, "A", Budget, long.MaxValue);
        store.Set("a3", "3", 100, isItem: true, "A", Budget, long.MaxValue);
        Assert.Equal("1", store.Get<string>("a1", 0)); // a1 used: a2 is now the least recently used

        Assert.True(store.Set("a4", "4", 100, isItem: true, "A", Budget, long.MaxValue));
        Assert.Null(store.Get<string>("a2", 0));
        Assert.Equal((300L, 3), store.Usage("A"));

        Assert.True(store.Set("a5", "5", 250, isItem: true, "A", Budget, long.MaxValue));
        Assert.Equal((250L, 1), store.Usage("A"));
        Assert.Equal("5", store.Get<string>("a5", 0));
        Assert.Equal(4, store.Evictions);
    }

    [Fact]
    public void AFullFrontEnd_NeverEvictsAnotherTenant_TheNewEntryIsNotStored()
    {
        var store = new CacheStore(maxBytes: 500);
        var roomy = new CacheBudget(1000, 10);
        store.Set("b1", "b", 200, isItem: true, "B", roomy, long.MaxValue);
        store.Set("b2", "b", 200, isItem: true, "B", roomy, long.MaxValue);
        store.Set("a1", "a", 100, isItem: true, "A", roomy, long.MaxValue);

        // The front end is full: A may only give up its own 100, which is not room enough for 250 (and is kept).
        Assert.False(store.Set("a2", "a", 250, isItem: true, "A", roomy, long.MaxValue));
        Assert.Equal("a", store.Get<string>("a1", 0));

        Assert.True(store.Set("a3", "a", 100, isItem: true, "A", roomy, long.MaxValue));
        Assert.Null(store.Get<string>("a1", 0));
        Assert.Equal((400L, 2), store.Usage("B"));
        Assert.Equal((100L, 1), store.Usage("A"));
        Assert.Equal(500, store.Bytes);
    }

    [Fact]
    public void ExpiredEntries_AreMissesAndFreeTheirBudget_ReplacedOnesAreCountedOnce()
    {
        var store = new CacheStore(maxBytes: 10_000);
        store.Set("k", "old", 100, isItem: true, "A", Budget, expiresAt: 10);
        store.Set("k", "new", 120, isItem: true, "A", Budget, expiresAt: 10);
        Assert.Equal((120L, 1), store.Usage("A"));
        Assert.Equal("new", store.Get<string>("k", 9));
        Assert.Null(store.Get<string>("k", 10));
        Assert.Equal((0L, 0), store.Usage("A"));
        Assert.Equal(0, store.Evictions);
    }

    [Fact]
    public void RemoveWhere_TakesOutWhatMatches_CountingItemsOnly()
    {
        var store = new CacheStore(maxBytes: 10_000);
        store.Set("s/x", "1", 10, isItem: true, "A", Budget, long.MaxValue);
        store.Set("s/vary", "v", 10, isItem: false, "A", Budget, long.MaxValue);
        store.Set("t/x", "2", 10, isItem: true, "A", Budget, long.MaxValue);
        Assert.Equal(1, store.RemoveWhere(k => ((string)k).StartsWith("s/", StringComparison.Ordinal)));
        Assert.Equal((10L, 1), store.Usage("A"));
        Assert.Equal(10, store.Bytes);
    }
}
