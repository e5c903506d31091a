using Silo.Api.Forwarding;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

[Collection(ForwardingCollection.Name)]
public sealed class IdempotencyKeyTests(ForwardingGatewayFactory gateway, DownstreamPair downstreams)
{
    private readonly string _scope = GatewayFactory.NewId("t");

    private ScriptedDownstream Downstream => downstreams.Primary;

    [Fact]
    public async Task Post_SameKeyTwice_ReachesTheDownstreamOnce_AndBothGetTheSameResponse()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/create/{id}"));
        using var client = gateway.CreatePlainClient();

        using var first = await PostAsync(client, path, "key-1");
        using var second = await PostAsync(client, path, "key-1");

        Assert.Equal(1, Downstream.Hits($"/create/{id}"));
        await Expect.StatusAsync(first, 201);
        await Expect.StatusAsync(second, 201);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("1", second.Headers.GetValues("X-Created").Single());
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
        Assert.False(first.Headers.Contains(IdempotentForwarding.ReplayedHeader));
        Assert.Equal("true", second.Headers.GetValues(IdempotentForwarding.ReplayedHeader).Single());
    }

    [Fact]
    public async Task Post_DifferentKeys_ReachTheDownstreamTwice()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/create/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await PostAsync(client, path, "key-a"), 201);
        await Expect.StatusAsync(await PostAsync(client, path, "key-b"), 201);

        Assert.Equal(2, Downstream.Hits($"/create/{id}"));
    }

    [Fact]
    public async Task Post_SameKeyInAnotherScope_IsAnotherRecord()
    {
        var id = Guid.NewGuid().ToString("N");
        var mine = Scenario(Downstream.Url($"/create/{id}"));
        var theirs = gateway.Scenario(_ => FixedTargets.Feature([Downstream.Url($"/create/{id}")], idempotencyScope: GatewayFactory.NewId("t")));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await PostAsync(client, mine, "shared"), 201);
        await Expect.StatusAsync(await PostAsync(client, theirs, "shared"), 201);

        Assert.Equal(2, Downstream.Hits($"/create/{id}"));
    }

    [Fact]
    public async Task Post_RepeatWhileTheFirstIsInFlight_Is409_ThenReplays()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/gate/{id}"));
        using var client = gateway.CreatePlainClient();

        var first = PostAsync(client, path, "slow");
        await Await.UntilAsync(() => Downstream.Hits($"/gate/{id}") == 1, "the first request reached the downstream");
        await Expect.ProblemAsync(await PostAsync(client, path, "slow"), 409, "idempotency-key-in-use");
        Downstream.Open(id);
        await Expect.StatusAsync(await first.Bounded(), 201);
        using var third = await PostAsync(client, path, "slow");

        await Expect.StatusAsync(third, 201);
        Assert.True(third.Headers.Contains(IdempotentForwarding.ReplayedHeader));
        Assert.Equal(1, Downstream.Hits($"/gate/{id}"));
    }

    [Fact]
    public async Task Post_ClientHangsUpMidRequest_TheFirstRunsToItsEnd_AndTheRetryIsReplayedNotExecuted()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/gate/{id}"));
        using var client = gateway.CreatePlainClient();
        using var hangUp = new CancellationTokenSource();

        var first = PostAsync(client, path, "hang-up", hangUp.Token);
        await Await.UntilAsync(() => Downstream.Hits($"/gate/{id}") == 1, "the first request reached the downstream");
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Bounded());

        // The client retries at once: the first is still running downstream, so the key is in use...
        await Expect.ProblemAsync(await PostAsync(client, path, "hang-up"), 409, "idempotency-key-in-use");

        // ...and once it finishes (with nobody to read it) its answer was recorded: the retry replays it.
        Downstream.Open(id);
        await Await.UntilAsync(
            async () =>
            {
                using var retry = await PostAsync(client, path, "hang-up");
                return (int)retry.StatusCode == 201 && retry.Headers.Contains(IdempotentForwarding.ReplayedHeader);
            },
            "the retry is replayed");
        Assert.Equal(1, Downstream.Hits($"/gate/{id}"));
    }

    [Fact]
    public async Task Post_SameKeyForAnotherTarget_Is422()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/create/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await PostAsync(client, path, "reused"), 201);
        await Expect.ProblemAsync(await PostAsync(client, path + "?other=1", "reused"), 422, "idempotency-key-mismatch");

        Assert.Equal(1, Downstream.Hits($"/create/{id}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Post_InvalidKey_Is400_AndNotForwarded(string key)
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/create/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.ProblemAsync(await PostAsync(client, path, key), 400, "invalid-idempotency-key");

        Assert.Equal(0, Downstream.Hits($"/create/{id}"));
    }

    [Fact]
    public async Task Post_KeyOf255VisibleCharacters_IsAccepted()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/create/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await PostAsync(client, path, "\"quoted\"!~" + new string('k', 245)), 201);
    }

    [Fact]
    public async Task Post_ResponseOverTheRecordLimit_IsNotReplayed_AndNotForwardedAgain()
    {
        var id = Guid.NewGuid().ToString("N");
        var size = (1024 * 1024) + 1;
        var path = Scenario(Downstream.Url($"/bytes/{size}?id={id}"));
        using var client = gateway.CreatePlainClient();

        using var first = await PostAsync(client, path, "big");
        await Expect.StatusAsync(first, 200);
        Assert.Equal(size, (await first.Content.ReadAsByteArrayAsync()).Length);
        await Expect.ProblemAsync(await PostAsync(client, path, "big"), 409, "idempotent-response-not-recorded");

        Assert.Equal(1, Downstream.Hits($"/bytes/{size}"));
    }

    [Fact]
    public async Task Post_Downstream503_ReleasesTheKey()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/fail-once/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await PostAsync(client, path, "again"), 503);
        await Expect.StatusAsync(await PostAsync(client, path, "again"), 200);

        Assert.Equal(2, Downstream.Hits($"/fail-once/{id}"));
    }

    [Fact]
    public async Task Post_UnreachableDownstream_ReleasesTheKey()
    {
        var id = Guid.NewGuid().ToString("N");
        var refused = new Uri($"http://127.0.0.1:{FreePort.Next()}/x");
        var target = refused;
        var path = gateway.Scenario(_ => FixedTargets.Feature([target], idempotencyScope: _scope));
        using var client = gateway.CreatePlainClient();

        await Expect.ProblemAsync(await PostAsync(client, path, "retry-me"), 502, "upstream-failed");
        target = Downstream.Url($"/create/{id}");
        await Expect.StatusAsync(await PostAsync(client, path, "retry-me"), 201);
    }

    [Fact]
    public async Task Get_WithAKey_IsForwardedEveryTime()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(Downstream.Url($"/create/{id}"));
        using var client = gateway.CreatePlainClient();

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation(IdempotentForwarding.KeyHeader, "get-key");
            await Expect.StatusAsync(await client.SendAsync(request), 201);
        }

        Assert.Equal(2, Downstream.Hits($"/create/{id}"));
    }

    [Fact]
    public async Task Post_WithoutScope_IgnoresTheKey()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = gateway.Scenario(_ => FixedTargets.Feature([Downstream.Url($"/create/{id}")]));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await PostAsync(client, path, "ignored"), 201);
        await Expect.StatusAsync(await PostAsync(client, path, "ignored"), 201);

        Assert.Equal(2, Downstream.Hits($"/create/{id}"));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string key, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{\"amount\":5}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(IdempotentForwarding.KeyHeader, key);
        return client.SendAsync(request, cancellationToken);
    }

    private string Scenario(Uri target) =>
        gateway.Scenario(_ => FixedTargets.Feature([target], idempotencyScope: _scope));
}
