using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Silo.Runtime.Redis;

/// <summary>
/// A small Redis client: one multiplexed, pipelined connection for ordinary commands, a pool of exclusive
/// connections for WATCH/MULTI/EXEC transactions, and (through <see cref="RedisSubscriber"/>) a separate
/// connection for pub/sub. No scripting: optimistic transactions are the only atomic multi-key tool.
/// </summary>
/// <remarks>
/// When Redis is unreachable, commands fail fast with <see cref="RedisConnectionException"/> instead of
/// queuing; the next command after a back-off delay (doubling up to <see cref="RedisOptions.MaxReconnectDelay"/>)
/// tries to connect again. Every command is bounded by <see cref="RedisOptions.CommandTimeout"/>.
/// </remarks>
public sealed partial class RedisClient : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _connectGate = new();
    // Transactions each need a connection of their own; a bounded pool keeps a burst of them from
    // opening hundreds of sockets at once (they queue for a connection instead).
    private const int MaxExclusiveConnections = 8;
    private readonly ConcurrentBag<RedisConnection> _exclusive = [];
    private readonly SemaphoreSlim _exclusiveSlots = new(MaxExclusiveConnections, MaxExclusiveConnections);
    private RedisConnection? _shared;
    private Task<RedisConnection>? _connecting;
    private long _retryNotBefore;
    private TimeSpan _backoff = TimeSpan.Zero;
    private bool _disposed;

    public RedisClient(RedisOptions options, TimeProvider time, ILogger<RedisClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
    }

    public RedisOptions Options => _options;

    /// <summary>Runs one command; an error reply throws <see cref="RedisServerException"/>.</summary>
    public async Task<RedisResult> ExecuteAsync(params object[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var connection = await GetSharedAsync().ConfigureAwait(false);
        return Check(await WithTimeout(connection.ExecuteAsync(args)).ConfigureAwait(false));
    }

    /// <summary>
    /// An optimistic transaction: WATCH <paramref name="watchKeys"/>, let <paramref name="prepare"/> read
    /// through the exclusive connection and return the commands to run atomically (or null to give up),
    /// then MULTI … EXEC. Returns EXEC's replies, or null when a watched key changed meanwhile (nothing ran).
    /// </summary>
    public async Task<IReadOnlyList<RedisResult>?> TransactAsync(
        IReadOnlyList<string> watchKeys,
        Func<Func<object[], Task<RedisResult>>, Task<IReadOnlyList<object[]>?>> prepare)
    {
        ArgumentNullException.ThrowIfNull(watchKeys);
        ArgumentNullException.ThrowIfNull(prepare);
        if (!await _exclusiveSlots.WaitAsync(_options.CommandTimeout).ConfigureAwait(false))
        {
            throw new TimeoutException("No Redis connection for a transaction became free in time.");
        }

        RedisConnection connection;
        try
        {
            connection = await RentExclusiveAsync().ConfigureAwait(false);
        }
        catch
        {
            _exclusiveSlots.Release();
            throw;
        }

        var clean = false;
        try
        {
            async Task<RedisResult> Run(object[] args) => Check(await WithTimeout(connection.ExecuteAsync(args)).ConfigureAwait(false));
            Check(await Run(["WATCH", .. watchKeys]).ConfigureAwait(false));
            var commands = await prepare(args => Run(args)).ConfigureAwait(false);
            if (commands is null)
            {
                Check(await Run(["UNWATCH"]).ConfigureAwait(false));
                clean = true;
                return null;
            }

            // The whole transaction goes out in one pipelined batch.
            var replies = new List<Task<RedisResult>>(commands.Count + 2) { WithTimeout(connection.ExecuteAsync(["MULTI"])) };
            replies.AddRange(commands.Select(c => WithTimeout(connection.ExecuteAsync(c))));
            var exec = WithTimeout(connection.ExecuteAsync(["EXEC"]));
            await Task.WhenAll(replies).ConfigureAwait(false);
            var result = Check(await exec.ConfigureAwait(false));
            clean = true;
            return result.IsNull ? null : result.Items;
        }
        finally
        {
            if (clean && connection.IsHealthy)
            {
                _exclusive.Add(connection);
            }
            else
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            _exclusiveSlots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_shared is { } shared)
        {
            await shared.DisposeAsync().ConfigureAwait(false);
        }

        while (_exclusive.TryTake(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

    }

    internal Task<RedisConnection> ConnectAsync(Action<RedisResult>? onPush, CancellationToken cancellationToken) =>
        RedisConnection.ConnectAsync(_options, onPush, cancellationToken);

    private static RedisResult Check(RedisResult result) =>
        result.IsError ? throw new RedisServerException(result.Text!) : result;

    private Task<RedisResult> WithTimeout(Task<RedisResult> reply) =>
        reply.IsCompleted ? reply : reply.WaitAsync(_options.CommandTimeout, _time);

    private Task<RedisConnection> GetSharedAsync()
    {
        var current = Volatile.Read(ref _shared);
        if (current is { IsHealthy: true })
        {
            return Task.FromResult(current);
        }

        // Single flight: every caller that finds the connection down awaits the same attempt.
        lock (_connectGate)
        {
            current = _shared;
            if (current is { IsHealthy: true })
            {
                return Task.FromResult(current);
            }

            if (_connecting is null || _connecting.IsCompleted)
            {
                _connecting = ReplaceSharedAsync(current);
            }

            return _connecting;
        }
    }

    private async Task<RedisConnection> ReplaceSharedAsync(RedisConnection? broken)
    {
        var connection = await ConnectWithBackoffAsync().ConfigureAwait(false);
        Volatile.Write(ref _shared, connection);
        if (broken is not null)
        {
            LogReconnected(_logger, _options.ToString());
            await broken.DisposeAsync().ConfigureAwait(false);
        }

        return connection;
    }

    private async Task<RedisConnection> RentExclusiveAsync()
    {
        while (_exclusive.TryTake(out var pooled))
        {
            if (pooled.IsHealthy)
            {
                return pooled;
            }

            await pooled.DisposeAsync().ConfigureAwait(false);
        }

        return await ConnectWithBackoffAsync().ConfigureAwait(false);
    }

    /// <summary>Connects, unless a recent attempt failed: then fails fast until the back-off delay has passed.</summary>
    private async Task<RedisConnection> ConnectWithBackoffAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var now = _time.GetTimestamp();
        if (now < Volatile.Read(ref _retryNotBefore))
        {
            throw new RedisConnectionException($"Redis at {_options} is unreachable; retrying in the background.");
        }

        try
        {
            var connection = await RedisConnection.ConnectAsync(_options, onPush: null, CancellationToken.None).ConfigureAwait(false);
            _backoff = TimeSpan.Zero;
            return connection;
        }
        catch (RedisConnectionException ex)
        {
            _backoff = _backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            Volatile.Write(ref _retryNotBefore, now + (long)(_backoff.TotalSeconds * _time.TimestampFrequency));
            LogConnectFailed(_logger, _options.ToString(), _backoff.TotalMilliseconds, ex.Message);
            throw;
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Cannot reach Redis at {Endpoint}; next attempt in {DelayMs} ms: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string endpoint, double delayMs, string reason);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Reconnected to Redis at {Endpoint}")]
    private static partial void LogReconnected(ILogger logger, string endpoint);
}
