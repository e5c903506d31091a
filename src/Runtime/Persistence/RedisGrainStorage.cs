using Silo.Runtime.Redis;

namespace Silo.Runtime.Persistence;

/// <summary>
/// Grain storage in Redis. A grain's states live in one hash, <c>{cluster}:grain:{type}:{key}</c>, with the
/// fields <c>{state}.data</c> and <c>{state}.etag</c>. Writes and clears are optimistic transactions
/// (WATCH the hash, compare the ETag, MULTI … EXEC): a stale ETag raises
/// <see cref="InconsistentStateException"/>; no Lua script is involved.
/// </summary>
public sealed class RedisGrainStorage(RedisClient redis, string clusterId) : IGrainStorage
{
    // A WATCH also trips when another state of the same grain is written meanwhile; such an abort is
    // retried (the ETag check decides), a real ETag mismatch is not.
    private const int MaxWatchRetries = 8;

    public async Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var reply = await redis.ExecuteAsync("HMGET", Key(grainId), DataField(stateName), EtagField(stateName)).ConfigureAwait(false);
        var data = reply.Items![0];
        var etag = reply.Items[1];
        return data.IsNull || etag.IsNull ? null : new GrainStateRecord(data.Bulk!, etag.AsString()!);
    }

    public async Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken)
    {
        var newEtag = Guid.NewGuid().ToString("N");
        var payload = data.ToArray();
        await ConditionalAsync(stateName, grainId, expectedEtag, key => ["HSET", key, DataField(stateName), payload, EtagField(stateName), newEtag], cancellationToken).ConfigureAwait(false);
        return newEtag;
    }

    public Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken) =>
        ConditionalAsync(stateName, grainId, expectedEtag, key => ["HDEL", key, DataField(stateName), EtagField(stateName)], cancellationToken);

    /// <summary>Runs <paramref name="command"/> atomically if the stored ETag is <paramref name="expectedEtag"/>.</summary>
    private async Task ConditionalAsync(string stateName, GrainId grainId, string? expectedEtag, Func<string, object[]> command, CancellationToken cancellationToken)
    {
        var key = Key(grainId);
        var etagField = EtagField(stateName);
        for (var attempt = 0; attempt < MaxWatchRetries; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? stored = null;
            var mismatch = false;
            var replies = await redis.TransactAsync([key], async run =>
            {
                stored = (await run(["HGET", key, etagField]).ConfigureAwait(false)).AsString();
                if (!string.Equals(stored, expectedEtag, StringComparison.Ordinal))
                {
                    mismatch = true;
                    return null;
                }

                return [command(key)];
            }).ConfigureAwait(false);

            if (mismatch)
            {
                throw Conflict(stateName, grainId, stored, expectedEtag);
            }

            if (replies is not null)
            {
                return;
            }
        }

        throw Conflict(stateName, grainId, "(changing)", expectedEtag);
    }

    private static InconsistentStateException Conflict(string stateName, GrainId grainId, string? stored, string? expected) =>
        new($"Stale ETag for state '{stateName}' of {grainId}: expected {expected ?? "no record"}, stored {stored ?? "no record"}.", stored, expected);

    private string Key(GrainId grainId) => $"{clusterId}:grain:{grainId.Type}:{grainId.Key}";

    private static string DataField(string stateName) => stateName + ".data";

    private static string EtagField(string stateName) => stateName + ".etag";
}
