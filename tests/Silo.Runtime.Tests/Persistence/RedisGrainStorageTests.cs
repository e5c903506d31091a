using Microsoft.Extensions.Logging.Abstractions;
using Silo.Runtime.Persistence;
using Silo.Runtime.Redis;
using Silo.TestKit;

namespace Silo.Runtime.Tests.Persistence;

/// <summary>One redis-server for the whole class; each test uses its own cluster id (key namespace).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public RedisClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        // Generous timeouts: the suite runs many test classes at once on two cores; these tests are about
        // correctness, and a slow machine must not fail them.
        var parsed = RedisOptions.Parse(Server.Configuration);
        Client = new RedisClient(
            new RedisOptions { Host = parsed.Host, Port = parsed.Port, CommandTimeout = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(30) },
            TimeProvider.System,
            NullLogger<RedisClient>.Instance);
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}

[Trait("Category", "Redis")]
[Collection("Redis")]
public sealed class RedisGrainStorageTests(RedisFixture redis) : GrainStorageContractTests, IClassFixture<RedisFixture>
{
    protected override Task<IGrainStorage> CreateStorageAsync() =>
        Task.FromResult<IGrainStorage>(new RedisGrainStorage(redis.Client, "test-" + Guid.NewGuid().ToString("N")[..8]));

    [Fact]
    public async Task Record_LivesUnderTheClusterNamespace()
    {
        var storage = new RedisGrainStorage(redis.Client, "ns1");

        await storage.WriteAsync("state", new GrainId("counter", "a"), "x"u8.ToArray(), null, CancellationToken.None);

        var fields = await redis.Client.ExecuteAsync("HGETALL", "ns1:grain:counter:a");
        Assert.Equal(["state.data", "x", "state.etag"], fields.Items!.Take(3).Select(f => f.AsString()));
    }
}
