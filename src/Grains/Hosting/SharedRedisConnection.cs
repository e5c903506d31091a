using StackExchange.Redis;

namespace Silo.Grains.Hosting;

/// <summary>
/// One Redis connection for everything in a process that talks to Redis (Orleans' membership table and grain
/// storage), opened on first use. The Orleans providers are told it is shared, so they never dispose it.
/// </summary>
public sealed class SharedRedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;

    public SharedRedisConnection(string configuration)
    {
        Options = Parse(configuration);
        _connection = new(async () => await ConnectionMultiplexer.ConnectAsync(Options).ConfigureAwait(false));
    }

    public ConfigurationOptions Options { get; }

    /// <summary>Parses a StackExchange.Redis configuration string; a process keeps retrying a Redis that is down.</summary>
    public static ConfigurationOptions Parse(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);

        // Start (and keep running) while Redis is away: the multiplexer reconnects by itself.
        options.AbortOnConnectFail = false;
        return options;
    }

    /// <summary>The shape Orleans' Redis options take for <c>CreateMultiplexer</c>.</summary>
    public async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> GetAsync() => (await _connection.Value.ConfigureAwait(false), true);

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            var connection = await _connection.Value.ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
