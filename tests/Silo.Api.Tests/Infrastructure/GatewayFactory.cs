using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Silo.Api.Json;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>The front end with its embedded silo, hosted in-process; helpers to set up tenants, keys and services.</summary>
public class GatewayFactory : WebApplicationFactory<Program>
{
    public const string AdminToken = "test-admin-token-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Admin:Token", AdminToken);
        builder.UseSetting("Demo:Seed", "false");

        // The dashboard (grain profiler, counters) has its own tests (DashboardTests); the rest need not pay for it.
        builder.UseSetting("Dashboard:Enabled", "false");

        // Tests read a key's count from its grain after each request: only keys past 20 a second lease here (the
        // default is 5). Lease behaviour has its own tests (LeasingGatewayFactory leases from 2 a second).
        builder.UseSetting("Admission:Leases:MinimumRate", "20");

        // Test classes make many admin calls from one address; the admin limit has its own tests.
        builder.UseSetting("Admin:RequestsPerMinute", "100000");
        builder.ConfigureLogging(logging => logging.ClearProviders());
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    public virtual HttpClient CreateKeyClient(string key)
    {
        // Redirects must reach the test as they left the gateway.
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>A fresh tenant id, so tests sharing one factory never see each other's state.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];

    public async Task<string> CreateTenantAsync(object? limits = null)
    {
        var id = NewId("t");
        using var admin = CreateAdminClient();
        using var response = await PostForSetupAsync(admin, "/admin/tenants", new { id, name = "Tenant " + id, limits = limits ?? Array.Empty<object>() });
        await Expect.StatusAsync(response, 201);
        return id;
    }

    /// <summary>Creates a key and returns the full key (shown only in this response).</summary>
    public async Task<string> CreateKeyAsync(string tenant, object? limits = null, string[]? scopes = null)
    {
        using var admin = CreateAdminClient();
        using var response = await PostForSetupAsync(admin, $"/admin/tenants/{tenant}/keys", new { name = "test", limits = limits ?? Array.Empty<object>(), scopes = scopes ?? [] });
        await Expect.StatusAsync(response, 201);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("key").GetString()!;
    }

    public async Task<string> CreateServiceAsync(string baseUrl, int timeoutSeconds = 10)
    {
        var id = NewId("s");
        using var admin = CreateAdminClient();
        using var response = await PostForSetupAsync(admin, "/admin/services", new { id, endpoints = new[] { new { url = baseUrl, weight = 1 } }, timeoutSeconds });
        await Expect.StatusAsync(response, 201);
        return id;
    }

    /// <summary>
    /// A test's setup call: sent again (at most twice, after its Retry-After) when it answers 503 with
    /// Retry-After, as the contract asks of any client — a grain call of a cold silo on a test machine running
    /// many at once can outlast Grains:CallTimeout. Tests of the 503 itself do not set up through this.
    /// </summary>
    public static async Task<HttpResponseMessage> PostForSetupAsync(HttpClient admin, string path, object body)
    {
        ArgumentNullException.ThrowIfNull(admin);
        for (var attempt = 1; ; attempt++)
        {
            var response = await admin.PostAsJsonAsync(path, body);
            if ((int)response.StatusCode != 503 || response.Headers.RetryAfter?.Delta is not { } wait || attempt == 3)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(wait);
        }
    }

    public static object TokenBucket(string name, long limit, int windowSeconds) =>
        new[] { new { name, algorithm = "token-bucket", limit, windowSeconds } };

    internal static JsonSerializerOptions Json => GatewayJson.Options;
}
