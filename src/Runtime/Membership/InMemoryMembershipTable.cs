namespace Silo.Runtime.Membership;

/// <summary>A membership table in this process: the embedded default and in-process test clusters share one.</summary>
public sealed class InMemoryMembershipTable : IMembershipTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, MembershipEntry> _rows = new(StringComparer.Ordinal);
    private long _version;

    private readonly List<Action> _watchers = [];

    public Task<MembershipSnapshot> ReadAllAsync()
    {
        lock (_lock)
        {
            return Task.FromResult(new MembershipSnapshot(_version, [.. _rows.Values.OrderBy(r => r.Silo, StringComparer.Ordinal)]));
        }
    }

    public Task<bool> InsertRowAsync(MembershipEntry entry, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_version != expectedVersion || _rows.ContainsKey(entry.Silo))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = entry;
            _version++;
        }

        Notify();
        return Task.FromResult(true);
    }

    public Task<bool> UpdateRowAsync(MembershipEntry entry, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_version != expectedVersion || !_rows.TryGetValue(entry.Silo, out var current))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = entry with { IAmAliveTime = Max(current.IAmAliveTime, entry.IAmAliveTime) };
            _version++;
        }

        Notify();
        return Task.FromResult(true);
    }

    public Task UpdateIAmAliveAsync(string silo, DateTimeOffset time)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(silo, out var current))
            {
                _rows[silo] = current with { IAmAliveTime = Max(current.IAmAliveTime, time) };
            }
        }

        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> WatchAsync(Action onChanged)
    {
        lock (_lock)
        {
            _watchers.Add(onChanged);
        }

        return Task.FromResult<IAsyncDisposable>(new Watch(this, onChanged));
    }

    private void Notify()
    {
        Action[] watchers;
        lock (_lock)
        {
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher();
        }
    }

    private sealed class Watch(InMemoryMembershipTable table, Action onChanged) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (table._lock)
            {
                table._watchers.Remove(onChanged);
            }

            return ValueTask.CompletedTask;
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
