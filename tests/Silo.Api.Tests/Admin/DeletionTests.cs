using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Admin;

/// <summary>
/// Deleting services and tenants (<c>DELETE /admin/services/{id}</c>, <c>DELETE /admin/tenants/{id}</c>), and a
/// pruning apply of a configuration document, which deletes what the document lacks. A gateway of its own: a
/// prune deletes every object another test would have made.
/// </summary>
public sealed class DeletionTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task DeletedService_IsNoLongerRouted_NorListed_AndASecondDeleteIs404()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = await gateway.CreateTenantAsync();
        using var client = gateway.CreateKeyClient(await gateway.CreateKeyAsync(tenant));
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        await Expect.StatusAsync(await client.GetAsync($"/{service}/before"), 200);

        await Expect.StatusAsync(await admin.DeleteAsync($"/admin/services/{service}"), 204);

        await Expect.ProblemAsync(await client.GetAsync($"/{service}/after"), 404, "unknown-service");
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/services/{service}"), 404, "unknown-service");
        Assert.DoesNotContain(service, (await admin.GetFromJsonAsync<string[]>("/admin/services"))!);
        await Expect.ProblemAsync(await admin.DeleteAsync($"/admin/services/{service}"), 404, "unknown-service");

        // The id is free again: created anew, it routes again.
        await Expect.StatusAsync(await GatewayFactory.PostForSetupAsync(admin, "/admin/services", new { id = service, endpoints = new[] { new { url = downstream.BaseUrl + "/echo" } } }), 201);
        await Expect.StatusAsync(await client.GetAsync($"/{service}/again"), 200);
    }

    [Fact]
    public async Task DeletedTenant_ItsKeysAreRevoked_ItIsGone_AndItsIdCanBeCreatedAgain()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("per-minute", 100, 60));
        var key = await gateway.CreateKeyAsync(tenant);
        using var client = gateway.CreateKeyClient(key);
        Assert.Equal(200, (int)(await client.PostAsJsonAsync("/v1/check", new { })).StatusCode);

        await Expect.StatusAsync(await admin.DeleteAsync($"/admin/tenants/{tenant}"), 204);

        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { }), 401, "invalid-api-key");
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 404, "unknown-tenant");
        Assert.DoesNotContain(tenant, (await admin.GetFromJsonAsync<string[]>("/admin/tenants"))!);
        await Expect.ProblemAsync(await admin.DeleteAsync($"/admin/tenants/{tenant}"), 404, "unknown-tenant");

        await Expect.StatusAsync(await GatewayFactory.PostForSetupAsync(admin, "/admin/tenants", new { id = tenant, name = "again" }), 201);
        var info = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        Assert.Empty(info.GetProperty("keyIds").EnumerateArray());
        await Expect.ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { }), 401, "invalid-api-key");
    }

    [Fact]
    public async Task Prune_DeletesTenantsAndServicesTheDocumentLacks_RevokesItsTenantsOtherKeys_AndOnlyWhenAsked()
    {
        using var admin = gateway.CreateAdminClient();
        var (kept, gone) = (GatewayFactory.NewId("keep"), GatewayFactory.NewId("gone"));
        var (keptService, goneService) = (GatewayFactory.NewId("svc"), GatewayFactory.NewId("svc"));
        var all = await ApplyAsync(admin, $$"""
            tenants:
              - { id: {{kept}}, name: Kept, keys: [{ name: web }, { name: old }] }
              - { id: {{gone}}, name: Gone, keys: [{ name: web }] }
            services:
              - { id: {{keptService}}, endpoints: [{ url: "{{downstream.BaseUrl}}/echo" }] }
              - { id: {{goneService}}, endpoints: [{ url: "{{downstream.BaseUrl}}/echo" }] }
            """, prune: false);
        var keys = all.GetProperty("createdKeys").EnumerateArray().ToDictionary(k => $"{k.GetProperty("tenantId").GetString()}/{k.GetProperty("name").GetString()}");
        string Secret(string name) => keys[name].GetProperty("key").GetString()!;
        var smaller = $$"""
            tenants:
              - { id: {{kept}}, name: Kept, keys: [{ name: web }] }
            services:
              - { id: {{keptService}}, endpoints: [{ url: "{{downstream.BaseUrl}}/echo" }] }
            """;

        // Without prune, what the document lacks stays.
        Assert.False((await PostAsync(admin, "/admin/config/diff", smaller)).GetProperty("changed").GetBoolean());
        Assert.False((await ApplyAsync(admin, smaller, prune: false)).GetProperty("changed").GetBoolean());

        var diff = await PostAsync(admin, "/admin/config/diff?prune=true", smaller);
        var planned = diff.GetProperty("changes").EnumerateArray().Select(c => $"{c.GetProperty("kind")} {c.GetProperty("action")} {c.GetProperty("id")}").ToArray();
        Assert.Equal(["key revoke " + keys[$"{kept}/old"].GetProperty("id").GetString(), "service delete " + goneService, "tenant delete " + gone], planned);
        using (var old = gateway.CreateKeyClient(Secret($"{kept}/old")))
        {
            Assert.Equal(200, (int)(await old.PostAsJsonAsync("/v1/check", new { })).StatusCode); // the diff changed nothing
        }

        var pruned = await ApplyAsync(admin, smaller, prune: true);

        Assert.Equal(planned, pruned.GetProperty("changes").EnumerateArray().Select(c => $"{c.GetProperty("kind")} {c.GetProperty("action")} {c.GetProperty("id")}"));
        foreach (var (name, status) in new[] { ($"{kept}/web", 200), ($"{kept}/old", 401), ($"{gone}/web", 401) })
        {
            using var client = gateway.CreateKeyClient(Secret(name));
            Assert.True(status == (int)(await client.PostAsJsonAsync("/v1/check", new { })).StatusCode, name);
        }

        using var web = gateway.CreateKeyClient(Secret($"{kept}/web"));
        await Expect.StatusAsync(await web.GetAsync($"/{keptService}/x"), 200);
        await Expect.ProblemAsync(await web.GetAsync($"/{goneService}/x"), 404, "unknown-service");
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{gone}"), 404, "unknown-tenant");
        var again = await ApplyAsync(admin, smaller, prune: true);
        Assert.False(again.GetProperty("changed").GetBoolean());
        Assert.Equal(3, again.GetProperty("unchanged").GetInt32()); // the tenant, its key and the service
    }

    [Fact]
    public async Task Prune_OtherThanTrueOrFalse_Is400_AndNothingApplied()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = GatewayFactory.NewId("cfg");
        using var content = new StringContent($"tenants: [{{ id: {tenant}, name: T }}]", Encoding.UTF8, "application/yaml");

        var problem = await Expect.ProblemAsync(await admin.PostAsync("/admin/config/apply?prune=yes", content), 400, "validation-failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty("prune", out _));
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 404, "unknown-tenant");
    }

    private static Task<JsonElement> ApplyAsync(HttpClient admin, string yaml, bool prune) =>
        PostAsync(admin, prune ? "/admin/config/apply?prune=true" : "/admin/config/apply", yaml);

    private static async Task<JsonElement> PostAsync(HttpClient admin, string path, string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        return await Expect.JsonAsync(await admin.PostAsync(path, content), 200);
    }
}
