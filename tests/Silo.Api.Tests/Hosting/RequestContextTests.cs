using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Hosting;

/// <summary>The front end on real Kestrel with its logs collected (every request's log line on: Debug).</summary>
public sealed class LoggedGatewayFactory : KestrelGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Silo.Requests", "Debug");
        builder.ConfigureLogging(logging => logging.AddFakeLogging());
    }
}

/// <summary>X-Request-Id on every response, downstream, in problem bodies and logs; one log line per request, without secrets.</summary>
public sealed class RequestContextTests(LoggedGatewayFactory gateway, Downstream downstream) : IClassFixture<LoggedGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task ARequestId_IsGeneratedOrKept_AndReachesTheDownstreamAndTheProblemBody()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var client = gateway.CreateKeyClient(key);

        // None given: one is made, answered and forwarded.
        var made = await client.GetAsync($"/{service}/x");
        var madeId = made.Headers.GetValues("X-Request-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", madeId);
        Assert.Equal(madeId, (await Expect.JsonAsync(made, 200)).GetProperty("headers").GetProperty("x-request-id").GetString());
        var next = (await client.GetAsync($"/{service}/x")).Headers.GetValues("X-Request-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", next);
        Assert.NotEqual(madeId, next);

        // A valid one is kept; an unsafe one is replaced.
        foreach (var (given, kept) in new[] { ("order-42.retry:1", true), ("has space", false), (new string('a', 129), false), ("semi;colon", false) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/x");
            request.Headers.TryAddWithoutValidation("X-Request-Id", given);
            var response = await client.SendAsync(request);
            var answered = response.Headers.GetValues("X-Request-Id").Single();
            var forwarded = (await Expect.JsonAsync(response, 200)).GetProperty("headers").GetProperty("x-request-id").GetString();
            Assert.Equal(answered, forwarded);
            Assert.Equal(kept, answered == given);
        }

        // Problem bodies carry it too.
        using var stranger = gateway.CreateKeyClient(Silo.Api.Auth.ApiKeyFormat.Generate().Key);
        var refused = await stranger.PostAsync("/v1/check", null);
        var problem = await Expect.ProblemAsync(refused, 401, "invalid-api-key");
        Assert.Equal(refused.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task EachRequest_IsOneLogLine_WithRouteStatusTenantAndKeyId_AndNoSecretIsEverLogged()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var client = gateway.CreateKeyClient(key);
        var response = await client.GetAsync($"/{service}/x?token=abc");
        await Expect.StatusAsync(response, 200);
        var requestId = response.Headers.GetValues("X-Request-Id").Single();

        // More traffic with credentials in every place they can be: bearer keys, a wrong admin token.
        using var bearer = new HttpClient { BaseAddress = gateway.ClientOptions.BaseAddress };
        bearer.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
        await Expect.StatusAsync(await bearer.PostAsync("/v1/check", null), 200);
        using var guesser = new HttpClient { BaseAddress = gateway.ClientOptions.BaseAddress };
        guesser.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer wrong-admin-token-000");
        await Expect.ProblemAsync(await guesser.GetAsync($"/admin/tenants/{tenant}"), 401, "admin-unauthorized");

        var records = gateway.Services.GetFakeLogCollector().GetSnapshot();
        var line = Assert.Single(records, r => r.Category == "Silo.Requests" && Has(r, "RequestId", requestId));
        Assert.Equal(LogLevel.Debug, line.Level); // a quick 2xx
        Assert.Contains("GET /{service}/{**path} answered 200", line.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, Assert.Single(records, r => r.Category == "Silo.Requests" && r.Message.Contains("answered 401", StringComparison.Ordinal)).Level);
        Assert.True(Has(line, "TenantId", tenant), "the tenant");
        Assert.True(Has(line, "KeyId", key[3..15]), "the key id");

        foreach (var secret in new[] { key, key[16..], GatewayFactory.AdminToken, "wrong-admin-token-000" })
        {
            Assert.DoesNotContain(records, r => r.Message.Contains(secret, StringComparison.Ordinal) || (r.StructuredState?.Any(p => p.Value?.Contains(secret, StringComparison.Ordinal) == true) ?? false));
        }
    }

    private static bool Has(FakeLogRecord record, string name, string value) =>
        (record.StructuredState?.Any(p => p.Key == name && p.Value == value) ?? false) ||
        record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().Any(s => s.Any(p => p.Key == name && Equals(p.Value, value)));
}

/// <summary>Log levels follow the configuration while the process runs: no restart to quieten a category.</summary>
public sealed class LogLevelReloadTests(LoggedGatewayFactory gateway) : IClassFixture<LoggedGatewayFactory>
{
    [Fact]
    public async Task ChangingALevelInConfiguration_AppliesWithoutARestart()
    {
        using var client = gateway.CreateClient();
        var logs = gateway.Services.GetFakeLogCollector();
        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)gateway.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        int RequestLines() => logs.GetSnapshot().Count(r => r.Category == "Silo.Requests");

        await Expect.StatusAsync(await client.GetAsync("/health/live"), 200);
        var before = RequestLines();
        Assert.True(before > 0, "request lines are logged at Debug");

        configuration["Logging:LogLevel:Silo.Requests"] = "None";
        configuration.Reload();
        await Expect.StatusAsync(await client.GetAsync("/health/live"), 200);
        Assert.Equal(before, RequestLines());

        // At Information (the default), a quick 2xx is not logged, a 404 is.
        configuration["Logging:LogLevel:Silo.Requests"] = "Information";
        configuration.Reload();
        await Expect.StatusAsync(await client.GetAsync("/health/live"), 200);
        Assert.Equal(before, RequestLines());
        Assert.NotInRange((int)(await client.GetAsync("/no-such-service/x")).StatusCode, 200, 299);
        Assert.Equal(before + 1, RequestLines());

        configuration["Logging:LogLevel:Silo.Requests"] = "Debug";
        configuration.Reload();
        await Expect.StatusAsync(await client.GetAsync("/health/live"), 200);
        Assert.Equal(before + 2, RequestLines());
    }
}

/// <summary>The front end with every request slow by its threshold (<c>Telemetry:SlowRequest</c> 0).</summary>
public sealed class SlowRequestGatewayFactory : KestrelGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Silo.Requests", "Information");
        builder.UseSetting("Telemetry:SlowRequest", "00:00:00");
        builder.ConfigureLogging(logging => logging.AddFakeLogging());
    }
}

/// <summary>A request slower than <c>Telemetry:SlowRequest</c> is logged at Information, 2xx or not.</summary>
public sealed class SlowRequestLogTests(SlowRequestGatewayFactory gateway) : IClassFixture<SlowRequestGatewayFactory>
{
    [Fact]
    public async Task ASlow2xx_IsLoggedAtInformation()
    {
        using var client = gateway.CreateClient();
        var response = await client.GetAsync("/health/live");
        await Expect.StatusAsync(response, 200);
        var requestId = response.Headers.GetValues("X-Request-Id").Single();

        var line = Assert.Single(gateway.Services.GetFakeLogCollector().GetSnapshot(), r => r.Category == "Silo.Requests" && r.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().Any(s => s.Any(p => p.Key == "RequestId" && Equals(p.Value, requestId))));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("answered 200", line.Message, StringComparison.Ordinal);
    }
}
