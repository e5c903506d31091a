using StackExchange.Redis;
using Silo.Grains.Hosting;

namespace Silo.Api.Caching;

/// <summary>
/// The response cache's second level in cluster mode: every front end's stored responses in the cluster's Redis
/// (on the connection the process already has), so one front end's fetch serves the others. Looked up only on a
/// miss of a front end's own cache, within <see cref="Deadline"/>; Redis slow or away is a miss, never a failed
/// request, and after a lookup it did not answer the level is left alone for <see cref="RestAfterFailure"/> (so an
/// outage costs one miss the deadline, not every miss).
/// </summary>
internal sealed partial class RedisCacheLevel(SharedRedisConnection redis, TimeProvider time, ILogger<RedisCacheLevel> logger)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan RestAfterFailure = TimeSpan.FromSeconds(5);

    private long _restUntil;

    private const string Prefix = "silo:cache:";

    /// <summary>The entry stored for <paramref name="key"/>'s target (with the variant the request selects); (null, false) for none, (null, true) when Redis did not answer.</summary>
    public async Task<(CachedResponse? Entry, bool Failed)> GetAsync(VaryKey target, Func<IReadOnlyList<string>?, EntryKey> keyFor)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(keyFor);
        if (Resting)
        {
            return (null, true);
        }

        try
        {
            var database = (await redis.GetAsync().WaitAsync(Deadline, time).ConfigureAwait(false)).Multiplexer.GetDatabase();
            var vary = (string?)await database.StringGetAsync(Name(target)).WaitAsync(Deadline, time).ConfigureAwait(false);
            var names = vary is null ? null : vary.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var bytes = (byte[]?)await database.StringGetAsync(Name(keyFor(names))).WaitAsync(Deadline, time).ConfigureAwait(false);
            return (bytes is null ? null : CacheWire.Read(bytes, time), false);
        }
        catch (Exception ex) when (ex is TimeoutException or RedisException)
        {
            Rest(ex);
            return (null, true);
        }
    }

    /// <summary>Stores an entry for <paramref name="keptFor"/>; a failure is logged, not thrown (the front end's own copy stands).</summary>
    public async Task SetAsync(VaryKey target, EntryKey key, CachedResponse entry, TimeSpan keptFor)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Resting)
        {
            return;
        }

        try
        {
            var database = (await redis.GetAsync().WaitAsync(Deadline, time).ConfigureAwait(false)).Multiplexer.GetDatabase();
            var bytes = CacheWire.Write(entry, time.GetUtcNow() - time.GetElapsedTime(entry.StoredAt));
            await Task.WhenAll(
                database.StringSetAsync(Name(target), string.Join('\n', entry.Vary), keptFor),
                database.StringSetAsync(Name(key), bytes, keptFor)).WaitAsync(Deadline * 4, time).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or RedisException)
        {
            Rest(ex);
        }
    }

    private bool Resting => time.GetTimestamp() < Volatile.Read(ref _restUntil);

    private void Rest(Exception ex)
    {
        Volatile.Write(ref _restUntil, time.GetTimestamp() + (long)(RestAfterFailure.TotalSeconds * time.TimestampFrequency));
        LogUnavailable(logger, ex.GetType().Name, RestAfterFailure.TotalSeconds);
    }

    /// <summary>Removes a service's entries (targets starting with <paramref name="prefix"/>, or all); how many responses.</summary>
    public async Task<int> PurgeAsync(string service, string? prefix)
    {
        var (multiplexer, _) = await redis.GetAsync().ConfigureAwait(false);
        var removed = 0;
        foreach (var endpoint in multiplexer.GetEndPoints())
        {
            var server = multiplexer.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            var doomed = new List<RedisKey>();
            await foreach (var name in server.KeysAsync(pattern: $"{Prefix}{service}|*").ConfigureAwait(false))
            {
                // service|scope|target|suffix: neither service ids, scopes nor suffixes hold '|'; a target may.
                var text = ((string)name!)[Prefix.Length..];
                var scopeEnd = text.IndexOf('|', text.IndexOf('|', StringComparison.Ordinal) + 1);
                var suffixStart = text.LastIndexOf('|');
                if (scopeEnd < 0 || suffixStart <= scopeEnd)
                {
                    continue;
                }

                if (prefix is null || text[(scopeEnd + 1)..suffixStart].StartsWith(prefix, StringComparison.Ordinal))
                {
                    doomed.Add(name);
                    removed += text[(suffixStart + 1)..] == "vary" ? 0 : 1;
                }
            }

            if (doomed.Count > 0)
            {
                await multiplexer.GetDatabase().KeyDeleteAsync([.. doomed]).ConfigureAwait(false);
            }
        }

        return removed;
    }

    private static string Name(VaryKey target) => $"{Prefix}{target.Service}|{target.Scope}|{target.Target}|vary";

    private static string Name(EntryKey key) =>
        $"{Prefix}{key.Service}|{key.Scope}|{key.Target}|v{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key.Variant)))[..32]}";

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "The response cache's Redis level did not answer ({Error}): lookups are misses for the next {Seconds} s")]
    private static partial void LogUnavailable(ILogger logger, string error, double seconds);
}
