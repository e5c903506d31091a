namespace Silo.Api.Caching;

/// <summary>
/// The entries of a front end's response cache, each owned by a tenant (or, for a shared cache, by its service):
/// an owner's bytes and items are bounded by its <see cref="CacheBudget"/> and every owner's together by the
/// front end's. Storing past either bound takes the storing owner's own least recently used entries out first,
/// never another owner's: when what others hold leaves no room, the entry is not stored.
/// </summary>
/// <remarks>
/// <c>Microsoft.Extensions.Caching.Memory</c> bounds one size for everything and compacts across every entry, so
/// one tenant's burst would evict every other tenant's entries; hence this small LRU per owner.
/// </remarks>
internal sealed class CacheStore(long maxBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<object, LinkedListNode<Node>> _nodes = [];
    private readonly Dictionary<string, Owner> _owners = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>Entries taken out to make room (not those expired, replaced or purged).</summary>
    public long Evictions { get; private set; }

    /// <summary>The value stored under <paramref name="key"/> until <c>expiresAt</c>, or null; a hit becomes its owner's most recently used.</summary>
    public T? Get<T>(object key, long now)
        where T : class
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(key, out var link))
            {
                return null;
            }

            var node = link.Value;
            if (node.ExpiresAt <= now)
            {
                RemoveLocked(link);
                return null;
            }

            var lru = _owners[node.Owner].Lru;
            lru.Remove(link);
            lru.AddFirst(link);
            return node.Value as T;
        }
    }

    /// <summary>
    /// Stores <paramref name="value"/> (replacing what <paramref name="key"/> held) within its owner's budget and the
    /// front end's; false when it does not fit without evicting another owner's entries.
    /// </summary>
    public bool Set(object key, object value, long size, bool isItem, string owner, CacheBudget budget, long expiresAt)
    {
        ArgumentNullException.ThrowIfNull(budget);
        lock (_lock)
        {
            if (_nodes.TryGetValue(key, out var old))
            {
                RemoveLocked(old);
            }

            if (size > budget.MaxBytes || size > maxBytes || (isItem && budget.MaxItems < 1))
            {
                return false;
            }

            if (!_owners.TryGetValue(owner, out var o))
            {
                o = new Owner();
                _owners[owner] = o;
            }

            // Even with all of its own entries out there would be no room: keep them, store nothing.
            if (_bytes - o.Bytes + size > maxBytes)
            {
                DropIfEmpty(owner, o);
                return false;
            }

            while (o.Lru.Last is { } oldest &&
                (o.Bytes + size > budget.MaxBytes || (isItem && o.Items + 1 > budget.MaxItems) || _bytes + size > maxBytes))
            {
                RemoveLocked(oldest);
                Evictions++;
            }

            if (_bytes + size > maxBytes)
            {
                DropIfEmpty(owner, o);
                return false;
            }

            // Evicting its last entry dropped the owner: it is back with this one.
            _owners.TryAdd(owner, o);
            var link = o.Lru.AddFirst(new Node(key, value, size, isItem, owner, expiresAt));
            _nodes[key] = link;
            o.Bytes += size;
            o.Items += isItem ? 1 : 0;
            _bytes += size;
            return true;
        }
    }

    /// <summary>Removes every entry whose key <paramref name="match"/> accepts; returns how many were items.</summary>
    public int RemoveWhere(Func<object, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (_lock)
        {
            var removed = 0;
            foreach (var link in _nodes.Values.Where(l => match(l.Value.Key)).ToList())
            {
                removed += link.Value.IsItem ? 1 : 0;
                RemoveLocked(link);
            }

            return removed;
        }
    }

    /// <summary>What <paramref name="owner"/> holds now.</summary>
    public (long Bytes, int Items) Usage(string owner)
    {
        lock (_lock)
        {
            return _owners.TryGetValue(owner, out var o) ? (o.Bytes, o.Items) : (0, 0);
        }
    }

    /// <summary>What every owner holds together.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    private void RemoveLocked(LinkedListNode<Node> link)
    {
        var node = link.Value;
        var owner = _owners[node.Owner];
        owner.Lru.Remove(link);
        owner.Bytes -= node.Size;
        owner.Items -= node.IsItem ? 1 : 0;
        _bytes -= node.Size;
        _nodes.Remove(node.Key);
        DropIfEmpty(node.Owner, owner);
    }

    private void DropIfEmpty(string id, Owner owner)
    {
        if (owner.Lru.Count == 0)
        {
            _owners.Remove(id);
        }
    }

    private sealed record Node(object Key, object Value, long Size, bool IsItem, string Owner, long ExpiresAt);

    private sealed class Owner
    {
        public LinkedList<Node> Lru { get; } = new();

        public long Bytes { get; set; }

        public int Items { get; set; }
    }
}
