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
        var response = await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "Tenant " + id, limits = limits ?? Array.Empty<object>() });
        await Expect.StatusAsync(response, 201);
        return id;
    }

    /// <summary>Creates a key and returns the full key (shown only in this response).</summary>
    public async Task<string> CreateKeyAsync(string tenant, object? limits = null, string[]? scopes = null)
    {
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/keys", new { name = "test", limits = limits ?? Array.Empty<object>(), scopes = scopes ?? [] });
        await Expect.StatusAsync(response, 201);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("key").GetString()!;
    }

    public async Task<string> CreateServiceAsync(string baseUrl, int timeoutSeconds = 10)
    {
        var id = NewId("s");
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/admin/services", new { id, endpoints = new[] { new { url = baseUrl, weight = 1 } }, timeoutSeconds });
        await Expect.StatusAsync(response, 201);
        return id;
    }

    public static object TokenBucket(string name, long limit, int windowSeconds) =>
        new[] { new { name, algorithm = "token-bucket", limit, windowSeconds } };

    internal static JsonSerializerOptions Json => GatewayJson.Options;
}
