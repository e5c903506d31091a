using System.Collections.Concurrent;
using Silo.Api.Forwarding;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

[Collection(ForwardingCollection.Name)]
public sealed class RetryTests(ForwardingGatewayFactory gateway, DownstreamPair downstreams)
{
    private readonly ConcurrentQueue<ForwardAttempt> _attempts = new();

    private ScriptedDownstream Primary => downstreams.Primary;

    private ScriptedDownstream Secondary => downstreams.Secondary;

    [Fact]
    public async Task Get_503ThenHealthyEndpoint_IsRetriedToTheSecondTarget()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(new RetryBudget(TimeProvider.System), Primary.Url($"/fail-once/{id}"), Secondary.Url($"/echo/{id}"));
        using var client = gateway.CreatePlainClient();

        var body = await Expect.JsonAsync(await client.GetAsync(path), 200);

        Assert.Equal($"/echo/{id}", body.GetProperty("path").GetString());
        await Await.UntilAsync(() => _attempts.Count == 2, "both attempts are reported");
        var attempts = _attempts.ToArray();
        // Targets as strings: the forwarder's URIs are built without System.Uri's canonicalization, which Uri equality tells apart.
        Assert.Equal(Primary.Url($"/fail-once/{id}").AbsoluteUri, attempts[0].Target.OriginalString);
        Assert.Equal(Secondary.Url($"/echo/{id}").AbsoluteUri, attempts[1].Target.OriginalString);
        Assert.Equal((0, AttemptResult.Failure, (int?)503), (attempts[0].Attempt, attempts[0].Result, attempts[0].StatusCode));
        Assert.Equal((1, AttemptResult.Success, (int?)200), (attempts[1].Attempt, attempts[1].Result, attempts[1].StatusCode));
        Assert.Equal(1, Primary.Hits($"/fail-once/{id}"));
    }

    [Fact]
    public async Task Get_EndpointFailsOnceThenSucceeds_ReturnsTheSecondAnswer()
    {
        var id = Guid.NewGuid().ToString("N");
        var flaky = Primary.Url($"/fail-once/{id}");
        var path = Scenario(new RetryBudget(TimeProvider.System), flaky, flaky);
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await client.GetAsync(path), 200);

        Assert.Equal(2, Primary.Hits($"/fail-once/{id}"));
    }

    [Fact]
    public async Task Get_ConnectionRefused_IsRetried_AndReportedWithoutStatus()
    {
        var id = Guid.NewGuid().ToString("N");
        var refused = new Uri($"http://127.0.0.1:{FreePort.Next()}/nothing-listens");
        var path = Scenario(new RetryBudget(TimeProvider.System), refused, Secondary.Url($"/echo/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await client.GetAsync(path), 200);

        await Await.UntilAsync(() => _attempts.Count == 2, "both attempts are reported");
        var first = _attempts.First();
        Assert.Equal(AttemptResult.Failure, first.Result);
        Assert.Null(first.StatusCode);
    }

    [Fact]
    public async Task Get_Timeout_IsRetried()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = gateway.Scenario(
            _ => FixedTargets.Feature([Primary.Url($"/gate/{id}"), Secondary.Url($"/echo/{id}")], TimeSpan.FromMilliseconds(300), new RetryBudget(TimeProvider.System)),
            Completed);
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await client.GetAsync(path), 200);

        await Await.UntilAsync(() => _attempts.Count == 2, "both attempts are reported");
        Assert.Equal(AttemptResult.Failure, _attempts.First().Result);
        Primary.Open(id);
    }

    [Fact]
    public async Task Post_IsNeverRetried_AndThe503IsProxied()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(new RetryBudget(TimeProvider.System), Primary.Url($"/fail-once/{id}"), Secondary.Url($"/echo/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await client.PostAsync(path, content: null), 503);

        Assert.Equal(0, Secondary.Hits($"/echo/{id}"));
        await Await.UntilAsync(() => !_attempts.IsEmpty, "the attempt is reported");
        Assert.Equal(AttemptResult.Failure, Assert.Single(_attempts).Result);
    }

    [Fact]
    public async Task Get_WithABody_IsNeverRetried()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(new RetryBudget(TimeProvider.System), Primary.Url($"/fail-once/{id}"), Secondary.Url($"/echo/{id}"));
        using var client = gateway.CreatePlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Content = new ByteArrayContent(new byte[10]) };

        await Expect.StatusAsync(await client.SendAsync(request), 503);

        Assert.Equal(0, Secondary.Hits($"/echo/{id}"));
    }

    [Fact]
    public async Task Get_BudgetExhausted_IsNotRetried()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(new RetryBudget(TimeProvider.System, ratio: 0, minRetriesPerSecond: 0), Primary.Url($"/fail-once/{id}"), Secondary.Url($"/echo/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await client.GetAsync(path), 503);

        Assert.Equal(0, Secondary.Hits($"/echo/{id}"));
    }

    [Fact]
    public async Task Get_NoBudget_IsNotRetried()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(budget: null, Primary.Url($"/fail-once/{id}"), Secondary.Url($"/echo/{id}"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await client.GetAsync(path), 503);

        Assert.Equal(0, Secondary.Hits($"/echo/{id}"));
    }

    [Fact]
    public async Task Get_500_IsNotRetried_ButCountsAsFailure()
    {
        var path = Scenario(new RetryBudget(TimeProvider.System), Primary.Url("/status/500"), Secondary.Url("/echo/never"));
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await client.GetAsync(path), 500);

        Assert.Equal(0, Secondary.Hits("/echo/never"));
        await Await.UntilAsync(() => !_attempts.IsEmpty, "the attempt is reported");
        Assert.Equal(AttemptResult.Failure, Assert.Single(_attempts).Result);
    }

    [Fact]
    public async Task Forward_NoEndpointForTheFirstAttempt_Is503NoHealthyEndpoint()
    {
        var path = gateway.Scenario(_ => FixedTargets.Feature([]));
        using var client = gateway.CreatePlainClient();

        await Expect.ProblemAsync(await client.GetAsync(path), 503, "no-healthy-endpoint");
    }

    [Fact]
    public async Task Get_NoEndpointForTheRetry_ProxiesTheFirstAnswer()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Scenario(new RetryBudget(TimeProvider.System), Primary.Url($"/fail-once/{id}"), second: null);
        using var client = gateway.CreatePlainClient();

        await Expect.StatusAsync(await client.GetAsync(path), 503);
    }

    private string Scenario(RetryBudget? budget, Uri first, Uri? second) =>
        gateway.Scenario(_ => FixedTargets.Feature([first, second], budget: budget), Completed);

    private void Completed(ProxyFeature feature)
    {
        foreach (var attempt in feature.Attempts)
        {
            _attempts.Enqueue(attempt);
        }
    }
}
