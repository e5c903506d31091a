using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Silo.Api.Auth;
using Silo.Api.Telemetry;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.DataPlane;

/// <summary>Oversized and malformed requests get the right 4xx at the edge, on real Kestrel, never a 500.</summary>
public sealed class EdgeLimitTests(KestrelGatewayFactory gateway) : IClassFixture<KestrelGatewayFactory>
{
    [Fact]
    public async Task LongUrl_Gets414Problem()
    {
        using var client = gateway.CreateKeyClient("sk_whatever");
        var response = await client.GetAsync("/v1/check?pad=" + new string('a', 5000));
        await Expect.ProblemAsync(response, 414, "url-too-long");
    }

    [Fact]
    public async Task UrlBeyondKestrelsBackstop_Gets414()
    {
        using var client = gateway.CreateKeyClient("sk_whatever");
        var response = await client.GetAsync("/v1/check?pad=" + new string('a', 20_000));
        Assert.Equal(414, (int)response.StatusCode);
    }

    [Fact]
    public async Task TooManyHeaders_Gets431Problem()
    {
        using var client = gateway.CreateKeyClient("sk_whatever");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
        for (var i = 0; i < 70; i++)
        {
            request.Headers.Add($"X-Pad-{i}", "x");
        }

        await Expect.ProblemAsync(await client.SendAsync(request), 431, "headers-too-large");
    }

    [Fact]
    public async Task OversizedHeader_Gets431Problem()
    {
        using var client = gateway.CreateKeyClient("sk_whatever");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
        request.Headers.Add("X-Pad", new string('b', 20_000));
        await Expect.ProblemAsync(await client.SendAsync(request), 431, "headers-too-large");
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n", "hello")]
    [InlineData("Content-Length: 5\r\nContent-Length: 5\r\n", "hello")]
    [InlineData("X-Injected: a\rb\r\nContent-Length: 0\r\n", "")]
    [InlineData("X-No-Colon\r\nContent-Length: 0\r\n", "")]
    public async Task SmugglingShapesAndBrokenHeaders_Get400(string headers, string body)
    {
        var status = await RawHttp.SendAsync(
            gateway.ClientOptions.BaseAddress,
            $"POST /v1/check HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: sk_x\r\n{headers}\r\n{body}");
        Assert.Equal(400, status);
    }
}

/// <summary>
/// A body framed two ways, on the proxy path: Transfer-Encoding wins (RFC 9112 §6.3), the downstream gets only
/// the chunked body re-framed by the gateway, and the connection closes after the answer, so bytes after the
/// chunked body are never read as a request of their own.
/// </summary>
public sealed class FramingTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task ContentLengthWithTransferEncoding_ForwardsOnlyTheChunkedBody_AndClosesTheConnection()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        var smuggled = $"GET /{service}/echo/smuggled HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: {key}\r\n\r\n";
        var body = "0\r\n\r\n" + smuggled;
        var reached = downstream.Requests;

        var answer = await RawHttp.ExchangeUntilClosedAsync(
            gateway.ClientOptions.BaseAddress,
            $"POST /{service}/echo/first HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: {key}\r\nContent-Type: text/plain\r\n" +
            $"Content-Length: {body.Length}\r\nTransfer-Encoding: chunked\r\n\r\n{body}");

        Assert.StartsWith("HTTP/1.1 200 ", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, answer.Split("HTTP/1.1 ").Length - 1);
        Assert.Contains("\"bodyBytes\":0", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("smuggled", answer, StringComparison.Ordinal);
        Assert.Equal(reached + 1, downstream.Requests);
    }

    [Fact]
    public async Task ContentLengthTwice_IsABare400_AndReachesNothing()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        var reached = downstream.Requests;

        var answer = await RawHttp.ExchangeUntilClosedAsync(
            gateway.ClientOptions.BaseAddress,
            $"POST /{service}/echo/x HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: {key}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.Equal(reached, downstream.Requests);
    }
}

/// <summary>Body limits, trusted proxies, and the admin API's own limits, with small settings.</summary>
public sealed class EdgeTrustTests(EdgeGatewayFactory gateway, Downstream downstream) : IClassFixture<EdgeGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task DeclaredBodyOverTheLimit_Gets413Problem_AndDebitsNothing()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("minute", 5, 60));
        using var client = gateway.CreateKeyClient(key);

        var response = await client.PostAsync("/v1/check", new ByteArrayContent(new byte[4096]));

        await Expect.ProblemAsync(response, 413, "payload-too-large");
        var ok = await Expect.JsonAsync(await client.PostAsync("/v1/check", null), 200);
        Assert.Equal(4, ok.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Gets413()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var client = gateway.CreateKeyClient(key);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"cost\":1,\"pad\":\"" + new string('x', 4000) + "\"}")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
    }

    [Fact]
    public async Task TrustedProxy_ForwardedForIsPassedOn_WithTheProxyAppended()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        using var client = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/echo/x");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var echo = await Expect.JsonAsync(await client.SendAsync(request), 200);

        var headers = echo.GetProperty("headers");
        Assert.Equal("203.0.113.7, 127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("https", headers.GetProperty("x-forwarded-proto").GetString());
    }

    [Fact]
    public async Task TrustedProxy_ClientAddressHeadersArePassedOn()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        using var client = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/echo/x");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=203.0.113.7;proto=https");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "203.0.113.7");

        var headers = (await Expect.JsonAsync(await client.SendAsync(request), 200)).GetProperty("headers");

        Assert.Equal("for=203.0.113.7;proto=https", headers.GetProperty("forwarded").GetString());
        Assert.Equal("203.0.113.7", headers.GetProperty("x-real-ip").GetString());
    }

    [Fact]
    public async Task TrustedProxy_FailedAuthenticationsAreCountedPerForwardedClient()
    {
        var guess = Silo.Api.Auth.ApiKeyFormat.Generate().Key;
        for (var i = 0; i < 3; i++)
        {
            await Expect.ProblemAsync(await CheckFromAsync("198.51.100.1", guess), 401, "invalid-api-key");
        }

        await Expect.ProblemAsync(await CheckFromAsync("198.51.100.1", guess), 429, "rate-limited");

        // Another client behind the same proxy still has its budget.
        await Expect.ProblemAsync(await CheckFromAsync("198.51.100.2", guess), 401, "invalid-api-key");
    }

    [Fact]
    public async Task AdminApi_IsRateLimitedPerAddress()
    {
        using var admin = gateway.CreateAdminClient();
        var statuses = new List<int>();
        for (var i = 0; i < 41; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/tenants/nobody");
            request.Headers.Add("X-Forwarded-For", "198.51.100.50");
            var response = await admin.SendAsync(request);
            statuses.Add((int)response.StatusCode);
            if (i == 40)
            {
                await Expect.ProblemAsync(response, 429, "rate-limited");
                Assert.True(response.Headers.RetryAfter is not null, "429 carries Retry-After");
            }
        }

        Assert.All(statuses.Take(40), s => Assert.Equal(404, s));
    }

    [Fact]
    public async Task AdminAuthFailures_GoToTheSecurityLog_NotTheTenantsAudit_AndGuessingTheTokenGets429()
    {
        var tenant = await gateway.CreateTenantAsync();
        using var failures = new MetricCollector<long>(gateway.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, "silo.gateway.authentication.failures");
        var logs = gateway.Services.GetFakeLogCollector();
        using var guesser = new HttpClient { BaseAddress = gateway.ClientOptions.BaseAddress };
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/tenants/{tenant}/suspend");
            request.Headers.Add("X-Forwarded-For", "198.51.100.77");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "guess-" + i);
            await Expect.ProblemAsync(await guesser.SendAsync(request), 401, "admin-unauthorized");
        }

        using var blocked = new HttpRequestMessage(HttpMethod.Post, $"/admin/tenants/{tenant}/suspend");
        blocked.Headers.Add("X-Forwarded-For", "198.51.100.77");
        blocked.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GatewayFactory.AdminToken);
        await Expect.ProblemAsync(await guesser.SendAsync(blocked), 429, "rate-limited");

        // Three failures counted by kind; one log line for the address (the rest are summed when the minute
        // ends), never the guessed token.
        Assert.Equal(3, failures.GetMeasurementSnapshot().Where(m => m.Tags["kind"] is "admin").Sum(m => m.Value));
        var security = logs.GetSnapshot().Where(r => r.Category == SecurityLog.LoggerCategory && r.Message.Contains("198.51.100.77", StringComparison.Ordinal)).ToArray();
        Assert.Single(security);
        Assert.Contains("admin", security[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains("guess-", StringComparison.Ordinal));

        // Strangers cannot write into a tenant's history.
        using var admin = gateway.CreateAdminClient();
        var audit = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}/audit"), 200);
        Assert.Empty(audit.EnumerateArray());
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        Assert.Equal("active", info.GetProperty("status").GetString());
    }

    private async Task<HttpResponseMessage> CheckFromAsync(string client, string key)
    {
        using var http = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
        request.Headers.Add("X-Forwarded-For", client);
        return await http.SendAsync(request);
    }
}

/// <summary>Without trusted proxies, a client cannot pick its own address.</summary>
public sealed class UntrustedForwardedForTests(StrictAuthGatewayFactory gateway, Downstream downstream) : IClassFixture<StrictAuthGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task ClientAddressAndUrlOverrideHeaders_FromAnUntrustedClient_NeverReachTheDownstream()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        using var client = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/echo/x");
        string[] spoofed = ["Forwarded", "X-Real-IP", "True-Client-IP", "X-Client-IP", "X-Cluster-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "X-Original-URL", "X-Rewrite-URL", "X-Original-Host"];
        foreach (var name in spoofed)
        {
            request.Headers.TryAddWithoutValidation(name, name.Contains("URL", StringComparison.Ordinal) ? "/admin" : "10.0.0.1");
        }

        var headers = (await Expect.JsonAsync(await client.SendAsync(request), 200)).GetProperty("headers");

        foreach (var name in spoofed)
        {
            Assert.False(headers.TryGetProperty(name.ToLowerInvariant(), out _), name);
        }

        Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
    }

    [Theory]
    [InlineData("TRACE")]
    [InlineData("TRACK")]
    public async Task Trace_Is405_AndNeverForwarded(string method)
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        using var client = gateway.CreateKeyClient(key);
        var reached = downstream.Requests;

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/{service}/echo/x"));

        await Expect.ProblemAsync(response, 405, "method-not-allowed");
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Equal(reached, downstream.Requests);
    }

    [Fact]
    public async Task SpoofedForwardedFor_IsReplaced_AndDoesNotDodgeTheFailureBudget()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl);
        using var client = gateway.CreateKeyClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{service}/echo/x");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        var echo = await Expect.JsonAsync(await client.SendAsync(request), 200);
        Assert.Equal("127.0.0.1", echo.GetProperty("headers").GetProperty("x-forwarded-for").GetString());

        var guess = Silo.Api.Auth.ApiKeyFormat.Generate().Key;
        using var guesser = gateway.CreateKeyClient(guess);
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var spoofed = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
            spoofed.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
            statuses.Add((int)(await guesser.SendAsync(spoofed)).StatusCode);
        }

        Assert.Equal([401, 401, 401, 429], statuses);
    }
}
