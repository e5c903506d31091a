using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Services;

/// <summary>What the service tests ask of a running gateway: where requests went, and the service as the admin API shows it.</summary>
internal static class ServiceRoutes
{
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
}
