using System.Globalization;
using System.Text.Json;
using Silo.Runtime.Redis;

namespace Silo.Runtime.Membership;

/// <summary>
/// The membership table in Redis: one hash, <c>{cluster}:membership</c>, with a <c>version</c> field, a
/// <c>row:{silo}</c> field per silo (JSON) and an <c>alive:{silo}</c> field per silo (heartbeat, kept apart so
/// heartbeats never conflict with row changes). Row changes are WATCH/MULTI/EXEC transactions that check
/// and bump the version, then announce the new version on the <c>{cluster}:membership</c> channel.
/// </summary>
public sealed class RedisMembershipTable(RedisClient redis, string clusterId, TimeProvider time, Microsoft.Extensions.Logging.ILogger logger) : IMembershipTable
{
    private const string VersionField = "version";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>The hash key, which is also the pub/sub channel that announces new versions.</summary>
    public string Key { get; } = clusterId + ":membership";

    public async Task<MembershipSnapshot> ReadAllAsync()
    {
        var reply = await redis.ExecuteAsync("HGETALL", Key).ConfigureAwait(false);
        return Parse(reply.Items!);
    }

    public Task<bool> InsertRowAsync(MembershipEntry entry, long expectedVersion) => WriteRowAsync(entry, expectedVersion, mustExist: false);

    public Task<bool> UpdateRowAsync(MembershipEntry entry, long expectedVersion) => WriteRowAsync(entry, expectedVersion, mustExist: true);

    public Task UpdateIAmAliveAsync(string silo, DateTimeOffset time) =>
        redis.ExecuteAsync("HSET", Key, "alive:" + silo, time.UtcTicks.ToString(CultureInfo.InvariantCulture));

    public async Task<IAsyncDisposable> WatchAsync(Action onChanged)
    {
        var subscriber = new RedisSubscriber(redis, Key, _ => onChanged(), onChanged, time, logger);
        subscriber.Start();
        try
        {
            await subscriber.Subscribed.WaitAsync(redis.Options.CommandTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Keeps trying in the background; polling covers the gap.
        }

        return subscriber;
    }

    private async Task<bool> WriteRowAsync(MembershipEntry entry, long expectedVersion, bool mustExist)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var rowField = "row:" + entry.Silo;
        var newVersion = expectedVersion + 1;
        var replies = await redis.TransactAsync([Key], async run =>
        {
            var current = await run(["HMGET", Key, VersionField, rowField]).ConfigureAwait(false);
            var version = current.Items![0].IsNull ? 0 : current.Items[0].AsInt64();
            var exists = !current.Items[1].IsNull;
            if (version != expectedVersion || exists != mustExist)
            {
                return null;
            }

            return
            [
                ["HSET", Key, rowField, JsonSerializer.SerializeToUtf8Bytes(entry, Json), VersionField, newVersion],
                ["HSETNX", Key, "alive:" + entry.Silo, entry.IAmAliveTime.UtcTicks.ToString(CultureInfo.InvariantCulture)],
                ["PUBLISH", Key, newVersion],
            ];
        }).ConfigureAwait(false);
        return replies is not null;
    }

    private static MembershipSnapshot Parse(IReadOnlyList<RedisResult> fields)
    {
        long version = 0;
        var rows = new Dictionary<string, MembershipEntry>(StringComparer.Ordinal);
        var alive = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Count; i += 2)
        {
            var name = fields[i].AsString()!;
            if (string.Equals(name, VersionField, StringComparison.Ordinal))
            {
                version = fields[i + 1].AsInt64();
            }
            else if (name.StartsWith("row:", StringComparison.Ordinal))
            {
                var entry = JsonSerializer.Deserialize<MembershipEntry>(fields[i + 1].Bulk!, Json)!;
                rows[entry.Silo] = entry;
            }
            else if (name.StartsWith("alive:", StringComparison.Ordinal))
            {
                alive[name["alive:".Length..]] = new DateTimeOffset(fields[i + 1].AsInt64(), TimeSpan.Zero);
            }
        }

        var entries = rows.Values
            .Select(r => alive.TryGetValue(r.Silo, out var t) && t > r.IAmAliveTime ? r with { IAmAliveTime = t } : r)
            .OrderBy(r => r.Silo, StringComparer.Ordinal)
            .ToArray();
        return new MembershipSnapshot(version, entries);
    }
}
