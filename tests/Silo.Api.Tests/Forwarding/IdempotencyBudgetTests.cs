using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Silo.Api.Forwarding;
using Silo.Api.Tests.Infrastructure;
using Silo.Grains.Idempotency;

namespace Silo.Api.Tests.Forwarding;

/// <summary>The gateway with a 1 MiB budget for recorded responses and a 256 KiB limit per record.</summary>
public sealed class SmallIdempotencyBudgetGatewayFactory : ForwardingGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Idempotency:MaxTotalBytes", (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Idempotency:MaxRecordBytes", (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>Recorded responses are bounded in total; a dropped record is answered honestly and never executed again.</summary>
public sealed class IdempotencyBudgetTests(SmallIdempotencyBudgetGatewayFactory gateway, ScriptedDownstream downstream)
    : IClassFixture<SmallIdempotencyBudgetGatewayFactory>, IClassFixture<ScriptedDownstream>
{
    private readonly string _scope = GatewayFactory.NewId("t");

    [Fact]
    public async Task AFloodOfRecordedResponses_StaysWithinTheBudget_OldestDroppedFirst()
    {
        const int size = 200 * 1024;
        using var client = gateway.CreatePlainClient();
        var budget = gateway.Services.GetRequiredService<RecordedResponseBudget>();
        var paths = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var path = Scenario(downstream.Url($"/bytes/{size}?n={i}"));
            paths.Add(path);
            using var response = await PostAsync(client, path, $"flood-{i}");
            Assert.Equal(size, (await response.Content.ReadAsByteArrayAsync()).Length);
            Assert.InRange(budget.Bytes, 1, 1024 * 1024);
        }

        // Thirty responses of 200 KiB went through; at most five fit. The oldest are gone, and say so.
        await Expect.ProblemAsync(await PostAsync(client, paths[0], "flood-0"), 409, "idempotent-response-not-recorded");
        using var newest = await PostAsync(client, paths[29], "flood-29");
        Assert.Equal(200, (int)newest.StatusCode);
        Assert.True(newest.Headers.Contains(IdempotentForwarding.ReplayedHeader));
        Assert.Equal(size, (await newest.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(30, downstream.Hits($"/bytes/{size}"));
    }

    [Fact]
    public async Task TheRecordLimitIsASetting()
    {
        using var client = gateway.CreatePlainClient();
        var path = Scenario(downstream.Url($"/bytes/{(256 * 1024) + 1}?id={Guid.NewGuid():N}"));

        await Expect.StatusAsync(await PostAsync(client, path, "over"), 200);
        await Expect.ProblemAsync(await PostAsync(client, path, "over"), 409, "idempotent-response-not-recorded");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(IdempotentForwarding.KeyHeader, key);
        return client.SendAsync(request);
    }

    private string Scenario(Uri target) =>
        gateway.Scenario(_ => FixedTargets.Feature([target], idempotencyScope: _scope));
}
