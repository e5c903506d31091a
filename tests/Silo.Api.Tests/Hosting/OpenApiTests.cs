using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Hosting;

public sealed class OpenApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task OpenApiDocument_DescribesTheAdminApiAndTheDataPlane()
    {
        using var client = gateway.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(200, (int)response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[]
        {
            "/admin/tenants", "/admin/tenants/{tenant}", "/admin/tenants/{tenant}/limits", "/admin/tenants/{tenant}/suspend",
            "/admin/tenants/{tenant}/audit", "/admin/tenants/{tenant}/keys", "/admin/keys/{keyId}", "/admin/keys/{keyId}/rotate",
            "/admin/keys/{keyId}/revoke", "/admin/services", "/admin/services/{service}", "/v1/check",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"the document describes {path}");
        }

        var createTenant = paths.GetProperty("/admin/tenants").GetProperty("post");
        Assert.True(createTenant.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(createTenant.GetProperty("responses").TryGetProperty("201", out _));
        Assert.False(paths.TryGetProperty("/v1/noop", out _));
    }

    [Fact]
    public async Task SwaggerUi_IsServed_AndPointsAtTheDocument()
    {
        using var client = gateway.CreateClient();

        var page = await client.GetAsync("/swagger/index.html");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        var config = await client.GetStringAsync("/swagger/index.js");
        Assert.Contains("/openapi/v1.json", config, StringComparison.Ordinal);
    }
}
