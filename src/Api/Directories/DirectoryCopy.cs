namespace Silo.Api.Directories;

/// <summary>
/// A front end's copy of a cluster-wide directory grain (origins, service ids), fetched by version: at most one
/// fetch in flight, and at most one per <see cref="RefreshInterval"/> however many requests read it, so a flood
/// costs one grain call per second, not one per request. The first readers wait for the first copy; later ones
/// read the stale copy while it refreshes, unless they ask for a fresh one.
/// </summary>
/// <typeparam name="T">The copy as the front end reads it.</typeparam>
public sealed class DirectoryCopy<T>(T empty, Func<T, long> versionOf, Func<long, Task<T?>> fetchIfNewer, TimeProvider time)
    where T : class
{
    /// <summary>How old the copy may be before a read triggers a refresh. The default value is 1 second.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private T _copy = empty;
    private long _fetchedAt;
    private bool _loaded;
    private Task? _refreshing;

    /// <summary>The copy; a stale one starts a refresh in the background and is served meanwhile.</summary>
    public ValueTask<T> CurrentAsync()
    {
        var loaded = Volatile.Read(ref _loaded);
        if (loaded && !IsStale)
        {
            return ValueTask.FromResult(Volatile.Read(ref _copy));
        }

        var refresh = BeginRefresh();
        return loaded ? ValueTask.FromResult(Volatile.Read(ref _copy)) : new ValueTask<T>(AfterAsync(refresh));
    }

    /// <summary>A copy no older than <see cref="RefreshInterval"/>: waits for a refresh when the copy is older.</summary>
    public ValueTask<T> FreshAsync() =>
        Volatile.Read(ref _loaded) && !IsStale ? ValueTask.FromResult(Volatile.Read(ref _copy)) : new ValueTask<T>(AfterAsync(BeginRefresh()));

    /// <summary>Marks the copy stale, so the next read refreshes it (after a change made through this front end).</summary>
    public void Invalidate() => Volatile.Write(ref _fetchedAt, long.MinValue / 2);

    private bool IsStale => time.GetElapsedTime(Volatile.Read(ref _fetchedAt)) >= RefreshInterval;

    private Task BeginRefresh()
    {
        Task refresh;
        TaskCompletionSource? mine = null;
        lock (_lock)
        {
            if (_refreshing is null)
            {
                mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _refreshing = mine.Task;
            }

            refresh = _refreshing;
        }

        // Started outside the lock: a refresh that completes synchronously must find the slot taken to clear it.
        if (mine is not null)
        {
            _ = RefreshAsync(mine);
        }

        return refresh;
    }

    private async Task<T> AfterAsync(Task refresh)
    {
        await refresh.ConfigureAwait(false);
        return Volatile.Read(ref _copy);
    }

    private async Task RefreshAsync(TaskCompletionSource done)
    {
        Exception? failure = null;
        try
        {
            var newer = await fetchIfNewer(versionOf(Volatile.Read(ref _copy))).ConfigureAwait(false);
            if (newer is not null)
            {
                Volatile.Write(ref _copy, newer);
            }

            Volatile.Write(ref _fetchedAt, time.GetTimestamp());
            Volatile.Write(ref _loaded, true);
        }
        catch (Exception ex) when (!Volatile.Read(ref _loaded))
        {
            // Nothing to serve yet: the waiting requests fail (503) and the next one tries again.
            failure = ex;
        }
        catch (Exception)
        {
            // Keep the stale copy; the next read past the interval tries again.
        }

        lock (_lock)
        {
            _refreshing = null;
        }

        if (failure is null)
        {
            done.SetResult();
        }
        else
        {
            done.SetException(failure);
        }
    }
}
