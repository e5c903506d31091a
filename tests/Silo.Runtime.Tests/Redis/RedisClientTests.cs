using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Silo.Runtime.Redis;
using Silo.TestKit;

namespace Silo.Runtime.Tests.Redis;

[Trait("Category", "Redis")]
[Collection("Redis")]
public sealed class RedisClientTests : IAsyncLifetime
{
    private RedisServer _server = null!;
    private RedisClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _client = CreateClient(_server);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task BasicCommands_RoundTrip()
    {
        Assert.Equal("PONG", (await _client.ExecuteAsync("PING")).AsString());
        Assert.Equal("OK", (await _client.ExecuteAsync("SET", "k", "v")).AsString());
        Assert.Equal("v", (await _client.ExecuteAsync("GET", "k")).AsString());
        Assert.True((await _client.ExecuteAsync("GET", "missing")).IsNull);
        Assert.True((await _client.ExecuteAsync("SET", "k", "w", "NX")).IsNull);
        Assert.Equal("OK", (await _client.ExecuteAsync("SET", "px", "1", "PX", 60000L)).AsString());
        Assert.Equal(2, (await _client.ExecuteAsync("HSET", "h", "a", "1", "b", Encoding.UTF8.GetBytes("2"))).AsInt64());
        var all = await _client.ExecuteAsync("HGETALL", "h");
        Assert.Equal(["a", "1", "b", "2"], all.Items!.Select(i => i.AsString()));
        Assert.Equal(1, (await _client.ExecuteAsync("HDEL", "h", "a")).AsInt64());
        Assert.Equal(1, (await _client.ExecuteAsync("EXPIRE", "h", 60L)).AsInt64());
        Assert.Equal(2, (await _client.ExecuteAsync("DEL", "k", "h")).AsInt64());
        Assert.Contains("redis_version", (await _client.ExecuteAsync("INFO", "server")).AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorReply_ThrowsRedisServerException_AndConnectionStaysUsable()
    {
        await _client.ExecuteAsync("SET", "s", "text");

        var ex = await Assert.ThrowsAsync<RedisServerException>(() => _client.ExecuteAsync("INCR", "s"));
        Assert.Contains("not an integer", ex.Message, StringComparison.Ordinal);
        Assert.Equal("PONG", (await _client.ExecuteAsync("PING")).AsString());
    }

    [Fact]
    public async Task Scan_FindsKeysByPattern()
    {
        for (var i = 0; i < 30; i++)
        {
            await _client.ExecuteAsync("SET", $"scan:{i}", "x");
        }

        var found = new HashSet<string>(StringComparer.Ordinal);
        var cursor = "0";
        do
        {
            var reply = await _client.ExecuteAsync("SCAN", cursor, "MATCH", "scan:*", "COUNT", 10L);
            cursor = reply.Items![0].AsString()!;
            foreach (var key in reply.Items[1].Items!)
            {
                found.Add(key.AsString()!);
            }
        }
        while (cursor != "0");

        Assert.Equal(30, found.Count);
    }

    [Fact]
    public async Task TenThousandConcurrentCommands_AreAllAnsweredCorrectly()
    {
        // Correctness under concurrency, not speed: a generous timeout keeps a loaded CI machine out of it.
        await using var client = CreateClient(_server, TimeSpan.FromSeconds(60));
        var tasks = Enumerable.Range(0, 10_000).Select(async i =>
        {
            var value = (await client.ExecuteAsync("INCRBY", $"n:{i % 100}", (long)i)).AsInt64();
            var echo = (await client.ExecuteAsync("ECHO", $"value-{i}")).AsString();
            return (i, value, echo);
        }).ToArray();

        var results = await Task.WhenAll(tasks).Bounded();

        Assert.All(results, r => Assert.Equal($"value-{r.i}", r.echo));
        for (var k = 0; k < 100; k++)
        {
            var expected = Enumerable.Range(0, 10_000).Where(i => i % 100 == k).Sum(i => (long)i);
            Assert.Equal(expected, (await _client.ExecuteAsync("GET", $"n:{k}")).AsInt64());
        }
    }

    [Fact]
    public async Task ServerRestart_FailsCommandsFast_ThenReconnects()
    {
        await _client.ExecuteAsync("SET", "before", "1");

        await _server.KillAsync();
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<RedisConnectionException>(() => _client.ExecuteAsync("GET", "before"));
        await Assert.ThrowsAsync<RedisConnectionException>(() => _client.ExecuteAsync("GET", "before"));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2), "commands must fail fast while Redis is down");

        await _server.RestartAsync();
        await Await.UntilAsync(
            async () =>
            {
                try
                {
                    return (await _client.ExecuteAsync("PING")).AsString() == "PONG";
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            },
            "the client reconnects once Redis is back");
        Assert.True((await _client.ExecuteAsync("GET", "before")).IsNull);
    }

    [Fact]
    public async Task Timeout_FailsACommandThatGetsNoReply()
    {
        await using var client = CreateClient(_server, TimeSpan.FromMilliseconds(300));

        // BLPOP on an empty list blocks the connection for 5 s: longer than the command timeout.
        await Assert.ThrowsAsync<TimeoutException>(() => client.ExecuteAsync("BLPOP", "never", 5L));
    }

    [Fact]
    public async Task Transaction_Commits_WhenWatchedKeyUnchanged()
    {
        await _client.ExecuteAsync("SET", "tx", "1");

        var replies = await _client.TransactAsync(["tx"], async run =>
        {
            var current = (await run(["GET", "tx"])).AsInt64();
            return [["SET", "tx", (current + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)], ["GET", "tx"]];
        });

        Assert.NotNull(replies);
        Assert.Equal("2", replies[1].AsString());
    }

    [Fact]
    public async Task Transaction_IsAborted_WhenWatchedKeyChangesMeanwhile()
    {
        await _client.ExecuteAsync("SET", "tx2", "1");

        var replies = await _client.TransactAsync(["tx2"], async run =>
        {
            await run(["GET", "tx2"]);
            await _client.ExecuteAsync("SET", "tx2", "changed elsewhere");
            return [["SET", "tx2", "mine"]];
        });

        Assert.Null(replies);
        Assert.Equal("changed elsewhere", (await _client.ExecuteAsync("GET", "tx2")).AsString());
    }

    [Fact]
    public async Task ConcurrentIncrementsByTransaction_LoseNothing()
    {
        await _client.ExecuteAsync("SET", "ctr", "0");

        async Task IncrementAsync()
        {
            while (true)
            {
                var done = await _client.TransactAsync(["ctr"], async run =>
                {
                    var current = (await run(["GET", "ctr"])).AsInt64();
                    return [["SET", "ctr", (current + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]];
                });
                if (done is not null)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(IncrementAsync))).Bounded();

        Assert.Equal(20, (await _client.ExecuteAsync("GET", "ctr")).AsInt64());
    }

    [Fact]
    public async Task Subscriber_ReceivesPublishedMessages_AndResubscribesAfterRestart()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscriber = new RedisSubscriber(_client, "news", received.Enqueue, () => reconnected.TrySetResult(), TimeProvider.System, NullLogger.Instance);
        subscriber.Start();
        await subscriber.Subscribed.Bounded();

        Assert.Equal(1, (await _client.ExecuteAsync("PUBLISH", "news", "first")).AsInt64());
        await Await.UntilAsync(() => received.Contains("first"), "the first message arrives");

        await _server.KillAsync();
        await _server.RestartAsync();
        await reconnected.Task.Bounded();
        await Await.UntilAsync(
            async () =>
            {
                try
                {
                    return (await _client.ExecuteAsync("PUBLISH", "news", "second")).AsInt64() == 1;
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            },
            "the resubscribed connection receives");
        await Await.UntilAsync(() => received.Contains("second"), "the second message arrives");
    }

    [Fact]
    public void Options_Parse()
    {
        var options = RedisOptions.Parse("10.1.2.3:6380,password=s3cret,database=2,timeout=750");

        Assert.Equal("10.1.2.3", options.Host);
        Assert.Equal(6380, options.Port);
        Assert.Equal("s3cret", options.Password);
        Assert.Equal(2, options.Database);
        Assert.Equal(TimeSpan.FromMilliseconds(750), options.CommandTimeout);
        Assert.DoesNotContain("s3cret", options.ToString(), StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => RedisOptions.Parse("host:notaport"));
        Assert.Throws<FormatException>(() => RedisOptions.Parse("host:1,colour=blue"));
    }

    private static RedisClient CreateClient(RedisServer server, TimeSpan? timeout = null)
    {
        var parsed = RedisOptions.Parse(server.Configuration);
        var options = new RedisOptions
        {
            Host = parsed.Host,
            Port = parsed.Port,
            CommandTimeout = timeout ?? TimeSpan.FromSeconds(30),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        };
        return new RedisClient(options, TimeProvider.System, NullLogger<RedisClient>.Instance);
    }
}
