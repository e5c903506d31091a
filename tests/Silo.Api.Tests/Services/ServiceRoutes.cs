using System.Net.Http.Json;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Services;

/// <summary>
/// What the service tests do with a running gateway: register a service (and a key to call it), see where
/// requests went, and read the service and its endpoints as the admin API shows them.
/// </summary>
internal static class ServiceRoutes
{
    /// <summary>A breaker that never opens in a test's traffic, for tests of ejection and routing alone.</summary>
    public static readonly object NoBreaker = new { minimumThroughput = 1_000_000 };

    /// <summary>Registers a service with <paramref name="settings"/> (everything but its id) under a fresh id.</summary>
    public static async Task<string> RegisterServiceAsync(this GatewayFactory gateway, object settings)
    {
        var id = GatewayFactory.NewId("svc");
        using var admin = gateway.CreateAdminClient();
        var body = JsonSerializer.SerializeToNode(settings, JsonSerializerOptions.Web)!.AsObject();
        body["id"] = id;
        using var response = await GatewayFactory.PostForSetupAsync(admin, "/admin/services", body);
        await Expect.StatusAsync(response, 201);
        return id;
    }

    /// <summary>As <see cref="RegisterServiceAsync"/>, with a client holding a key of a fresh tenant.</summary>
    public static async Task<(string Service, HttpClient Client)> RegisterServiceWithKeyAsync(this GatewayFactory gateway, object settings)
    {
        var id = await gateway.RegisterServiceAsync(settings);
        var tenant = await gateway.CreateTenantAsync();
        return (id, gateway.CreateKeyClient(await gateway.CreateKeyAsync(tenant)));
    }

    /// <summary>Which endpoints answered <paramref name="count"/> requests (each endpoint answers with its own URL).</summary>
    public static async Task<HashSet<string>> RoutedUrlsAsync(HttpClient client, string service, int count)
    {
        var urls = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var response = await client.GetAsync($"/{service}/x");
            urls.Add(response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"status {(int)response.StatusCode}");
        }

        return urls;
    }

    /// <summary><c>GET /admin/services/{service}</c>.</summary>
    public static async Task<JsonElement> ServiceAsync(this GatewayFactory gateway, string service)
    {
        using var admin = gateway.CreateAdminClient();
        return await Expect.JsonAsync(await admin.GetAsync($"/admin/services/{service}"), 200);
    }

    /// <summary>One endpoint of the service as <c>GET /admin/services/{service}</c> shows it.</summary>
    public static async Task<JsonElement> EndpointAsync(this GatewayFactory gateway, string service, string url) =>
        (await gateway.ServiceAsync(service)).GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("url").GetString() == url);
}
