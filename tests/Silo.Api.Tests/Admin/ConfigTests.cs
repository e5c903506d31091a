using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Admin;

/// <summary>Declarative configuration: <c>/admin/config</c> export, diff and apply, in YAML and JSON.</summary>
public sealed class ConfigTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Apply_CreatesTenantKeysAndService_ShowsSecretsOnce_AndASecondApplyChangesNothing()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = GatewayFactory.NewId("cfg");
        var service = GatewayFactory.NewId("svc");
        var yaml = $"""
            tenants:
              - id: {tenant}
                name: Config Tenant
                limits:
                  - {"{"} name: per-minute, algorithm: token-bucket, limit: 1000, windowSeconds: 60 {"}"}
                corsOrigins: [https://app.example]
                keys:
                  - name: web
                    limits:
                      - name: per-minute
                        algorithm: fixed-window
                        limit: 2
                        windowSeconds: 60
                  - name: batch
                    scopes: [{service}]
            services:
              - id: {service}
                endpoints:
                  - url: http://127.0.0.1:9/
                timeoutSeconds: 7
            """;

        var first = await Expect.JsonAsync(await PostAsync(admin, "/admin/config/apply", yaml, "application/yaml"), 200);

        Assert.True(first.GetProperty("changed").GetBoolean());
        Assert.Equal(
            ["tenant create " + tenant, $"key create {tenant}/web", $"key create {tenant}/batch", "service create " + service],
            first.GetProperty("changes").EnumerateArray().Select(c => $"{c.GetProperty("kind")} {c.GetProperty("action")} {c.GetProperty("id")}"));
        var created = first.GetProperty("createdKeys").EnumerateArray().ToArray();
        Assert.Equal(["web", "batch"], created.Select(k => k.GetProperty("name").GetString()));
        var webKey = created[0].GetProperty("key").GetString()!;
        using (var client = gateway.CreateKeyClient(webKey))
        {
            Assert.Equal(200, (int)(await client.PostAsJsonAsync("/v1/check", new { })).StatusCode);
        }

        var tenantInfo = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        Assert.Equal("https://app.example", tenantInfo.GetProperty("corsOrigins")[0].GetString());
        var serviceInfo = await Expect.JsonAsync(await admin.GetAsync($"/admin/services/{service}"), 200);
        Assert.Equal(7, serviceInfo.GetProperty("timeoutSeconds").GetInt32());

        var second = await Expect.JsonAsync(await PostAsync(admin, "/admin/config/apply", yaml, "application/yaml"), 200);

        Assert.False(second.GetProperty("changed").GetBoolean());
        Assert.Empty(second.GetProperty("changes").EnumerateArray());
        Assert.Equal(4, second.GetProperty("unchanged").GetInt32());
        Assert.Empty(second.GetProperty("createdKeys").EnumerateArray());
        Assert.DoesNotContain("sk_", await (await PostAsync(admin, "/admin/config/diff", yaml, "application/yaml")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_ListsEachChangedField_ChangesNothing_AndApplyThenChangesIt()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = GatewayFactory.NewId("cfg");
        var service = GatewayFactory.NewId("svc");
        string Document(int keyLimit, int timeout, string status) => $$"""
            {
              "tenants": [{ "id": "{{tenant}}", "name": "T", "status": "{{status}}",
                "keys": [{ "name": "web", "limits": [{ "name": "per-minute", "algorithm": "fixed-window", "limit": {{keyLimit}}, "windowSeconds": 60 }] }] }],
              "services": [{ "id": "{{service}}", "endpoints": [{ "url": "http://127.0.0.1:9/" }], "timeoutSeconds": {{timeout}} }]
            }
            """;
        var applied = await Expect.JsonAsync(await PostAsync(admin, "/admin/config/apply", Document(2, 5, "active"), "application/json"), 200);
        var key = applied.GetProperty("createdKeys")[0].GetProperty("key").GetString()!;
        using var client = gateway.CreateKeyClient(key);
        Assert.Equal(200, (int)(await client.PostAsJsonAsync("/v1/check", new { })).StatusCode);
        Assert.Equal(200, (int)(await client.PostAsJsonAsync("/v1/check", new { })).StatusCode);
        Assert.Equal(429, (int)(await client.PostAsJsonAsync("/v1/check", new { })).StatusCode);

        var diff = await Expect.JsonAsync(await PostAsync(admin, "/admin/config/diff", Document(5, 9, "suspended"), "application/json"), 200);

        var changes = diff.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("kind").GetString()!);
        Assert.Equal(3, changes.Count);
        Assert.All(changes.Values, c => Assert.Equal("update", c.GetProperty("action").GetString()));
        Assert.Equal(["status"], Fields(changes["tenant"]));
        Assert.Equal("active", changes["tenant"].GetProperty("fields")[0].GetProperty("from").GetString());
        Assert.Equal(["limits"], Fields(changes["key"]));
        Assert.Equal(5, changes["key"].GetProperty("fields")[0].GetProperty("to")[0].GetProperty("limit").GetInt32());
        Assert.Equal(["timeoutSeconds"], Fields(changes["service"]));
        Assert.Equal(429, (int)(await client.PostAsJsonAsync("/v1/check", new { })).StatusCode); // the diff changed nothing

        await Expect.JsonAsync(await PostAsync(admin, "/admin/config/apply", Document(5, 9, "active"), "application/json"), 200);

        Assert.Equal(200, (int)(await client.PostAsJsonAsync("/v1/check", new { })).StatusCode); // the raised limit: a minute window is not durable, so it starts afresh
        var serviceInfo = await Expect.JsonAsync(await admin.GetAsync($"/admin/services/{service}"), 200);
        Assert.Equal(9, serviceInfo.GetProperty("timeoutSeconds").GetInt32());
        await Expect.JsonAsync(await PostAsync(admin, "/admin/config/apply", Document(5, 9, "suspended"), "application/json"), 200);
        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { }), 403, "tenant-suspended");
    }

    [Theory]
    [InlineData("yaml")]
    [InlineData("json")]
    public async Task Export_ThenApply_ChangesNothing(string format)
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("per-second", 10, 1));
        await gateway.CreateKeyAsync(tenant, GatewayFactory.TokenBucket("per-minute", 60, 60), ["orders"]);
        await gateway.CreateServiceAsync("http://127.0.0.1:9/");
        await Expect.JsonAsync(await admin.PutAsJsonAsync($"/admin/tenants/{tenant}/cache", new { maxBytes = 100_000, maxItems = 5 }), 200);
        await Services.ServiceRoutes.RegisterServiceAsync(gateway, new
        {
            endpoints = new[] { new { url = "http://127.0.0.1:9/" } },
            cache = new { defaultTtlSeconds = 30, varyBy = new[] { "Accept-Language" }, scope = "shared" },
        });

        var export = await admin.GetAsync($"/admin/config?format={format}");
        await Expect.StatusAsync(export, 200);
        var document = await export.Content.ReadAsStringAsync();
        Assert.Contains(tenant, document, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_", document, StringComparison.Ordinal);
        Assert.Contains("maxItems", document, StringComparison.Ordinal);
        Assert.Contains("Accept-Language", document, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", document, StringComparison.OrdinalIgnoreCase);

        var diff = await Expect.JsonAsync(await PostAsync(admin, "/admin/config/diff", document, export.Content.Headers.ContentType!.MediaType!), 200);

        Assert.False(diff.GetProperty("changed").GetBoolean(), diff.GetRawText());
        Assert.True(diff.GetProperty("unchanged").GetInt32() >= 3);
    }

    [Fact]
    public async Task InvalidDocument_NamesEveryError_AndAppliesNothing()
    {
        using var admin = gateway.CreateAdminClient();
        var good = GatewayFactory.NewId("cfg");
        var bad = GatewayFactory.NewId("cfg");
        var yaml = $"""
            tenants:
              - id: {good}
                name: Fine
              - id: {bad}
                name: ""
                limits: [{"{"} name: x, algorithm: token-bucket, limit: 0, windowSeconds: 60 {"}"}]
                keys:
                  - id: k0000000000x
                  - name: twice
                  - name: twice
              - id: {good}
                name: Again
            services:
              - id: admin
                endpoints: [{"{"} url: "ftp://nowhere" {"}"}]
            """;

        var problem = await Expect.ProblemAsync(await PostAsync(admin, "/admin/config/apply", yaml, "application/yaml"), 400, "validation-failed");

        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "tenants[1].name", "tenants[1].limits[0].limit", "tenants[1].keys[0].id", "tenants[1].keys[2].name", "tenants[2].id",
                "services[0].id", "services[0].endpoints[0].url",
            },
            errors);
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{good}"), 404, "unknown-tenant");
    }

    [Theory]
    [InlineData("tenants: [ {id: a", "application/yaml", "line")]
    [InlineData("tenants:\n  - id: a\n    name: b\n    colour: red\n", "application/yaml", "colour")]
    [InlineData("tenants:\n  - id: a\n    id: b\n", "application/yaml", "line 3")]
    [InlineData("---\ntenants: []\n---\nservices: []\n", "application/yaml", "one YAML document")]
    [InlineData("{\"tenants\": 5}", "application/json", "tenants")]
    public async Task MalformedDocument_Is400_InvalidDocument_SayingWhere(string body, string contentType, string detail)
    {
        using var admin = gateway.CreateAdminClient();

        var problem = await Expect.ProblemAsync(await PostAsync(admin, "/admin/config/diff", body, contentType), 400, "invalid-document");

        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Document_OfAnotherMediaType_Is415()
    {
        using var admin = gateway.CreateAdminClient();

        await Expect.ProblemAsync(await PostAsync(admin, "/admin/config/apply", "tenants: []", "text/plain"), 415, "unsupported-media-type");
    }

    [Fact]
    public async Task Schema_IsServedBesideOpenApi_AndDescribesTheDocument()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/openapi/gateway-config.schema.json");

        var schema = await Expect.JsonAsync(response, 200);
        Assert.True(schema.GetProperty("properties").TryGetProperty("tenants", out var tenants));
        Assert.True(schema.GetProperty("properties").TryGetProperty("services", out _));
        var tenant = tenants.GetProperty("items");
        Assert.True(tenant.GetProperty("properties").TryGetProperty("keys", out _));
        Assert.False(tenant.GetProperty("additionalProperties").GetBoolean()); // unknown fields are refused
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient admin, string path, string body, string contentType)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return await admin.PostAsync(path, content);
    }

    private static string[] Fields(JsonElement change) =>
        [.. change.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()!)];
}
