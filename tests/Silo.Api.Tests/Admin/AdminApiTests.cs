using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Admin;

public sealed class AdminApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0000000000")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task AdminRoute_WithoutValidToken_Is401(string? authorization)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/tenants/any");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.SendAsync(request);

        await Expect.ProblemAsync(response, 401, "admin-unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Tenant_CreateThenGet_RoundTrips()
    {
        using var admin = gateway.CreateAdminClient();
        var id = GatewayFactory.NewId("acme");

        var created = await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "Acme", limits = GatewayFactory.TokenBucket("per-minute", 100, 60) });
        var body = await Expect.JsonAsync(created, 201);
        Assert.Equal($"/admin/tenants/{id}", created.Headers.Location?.ToString());
        Assert.Equal("active", body.GetProperty("status").GetString());

        var fetched = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{id}"), 200);
        Assert.Equal("Acme", fetched.GetProperty("name").GetString());
        Assert.Equal("token-bucket", fetched.GetProperty("limits")[0].GetProperty("algorithm").GetString());
        Assert.Equal(100, fetched.GetProperty("usage")[0].GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task TenantList_Pages_WithLimitAndAfter_AndALinkToTheNextPage()
    {
        using var admin = gateway.CreateAdminClient();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await gateway.CreateTenantAsync());
        }

        var all = (await Expect.JsonAsync(await admin.GetAsync("/admin/tenants"), 200)).EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(created, all.Where(created.Contains));
        var paged = new List<string>();
        var next = "/admin/tenants?limit=2";
        var pages = 0;
        while (next is not null && pages++ < 100)
        {
            var response = await admin.GetAsync(next);
            var page = (await Expect.JsonAsync(response, 200)).EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.InRange(page.Count, 1, 2);
            paged.AddRange(page);
            next = response.Headers.TryGetValues("Link", out var link)
                ? link.Single().Split(';')[0].Trim('<', '>', ' ')
                : null;
        }

        Assert.Equal(all, paged);
        var problem = await Expect.ProblemAsync(await admin.GetAsync("/admin/tenants?limit=0&after=nobody"), 400, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("after", out _));
    }

    [Fact]
    public async Task Tenant_CreatedTwice_Is409()
    {
        using var admin = gateway.CreateAdminClient();
        var id = await gateway.CreateTenantAsync();

        var again = await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "again" });

        await Expect.ProblemAsync(again, 409, "already-exists");
    }

    [Fact]
    public async Task Tenant_InvalidFields_Are400_NamingEachField()
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsJsonAsync("/admin/tenants", new
        {
            id = "Not Valid",
            name = "",
            limits = new[] { new { name = "x", algorithm = "token-bucket", limit = 0, windowSeconds = -1 } },
        });

        var problem = await Expect.ProblemAsync(response, 400, "validation-failed");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("id", out _));
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("limits[0].limit", out _));
        Assert.True(errors.TryGetProperty("limits[0].windowSeconds", out _));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"id\":\"x\",\"name\":5}")]
    [InlineData("{\"id\":\"x\",\"name\":\"n\",\"limits\":\"many\"}")]
    [InlineData("{\"id\":\"x\",\"name\":\"n\",\"limits\":[{\"name\":\"a\",\"algorithm\":\"token-bucket\",\"limit\":\"100\",\"windowSeconds\":60}]}")]
    [InlineData("{\"id\":\"x\",\"name\":\"n\",\"limits\":[{\"name\":\"a\",\"algorithm\":\"leaky\",\"limit\":1,\"windowSeconds\":60}]}")]
    [InlineData("{\"id\":\"x\",\"name\":\"n\",\"unexpected\":true}")]
    public async Task Tenant_MalformedJson_Is400_WithoutInternals(string json)
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsync("/admin/tenants", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await Expect.ProblemAsync(response, 400, "invalid-json");
        Assert.DoesNotContain("Silo.", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"id\":\"{0}\",\"id\":\"{1}\",\"name\":\"n\"}")]
    [InlineData("{\"id\":\"{0}\",\"ID\":\"{1}\",\"name\":\"n\"}")]
    [InlineData("{\"id\":\"{0}\",\"name\":\"n\",\"limits\":[{\"name\":\"a\",\"algorithm\":\"token-bucket\",\"limit\":5,\"limit\":500,\"windowSeconds\":60}]}")]
    public async Task Tenant_WithADuplicatedMember_Is400_AndCreatesNothing(string template)
    {
        using var admin = gateway.CreateAdminClient();
        var (first, second) = (GatewayFactory.NewId("dup"), GatewayFactory.NewId("dup"));
        var json = template.Replace("{0}", first, StringComparison.Ordinal).Replace("{1}", second, StringComparison.Ordinal);

        var response = await admin.PostAsync("/admin/tenants", new StringContent(json, Encoding.UTF8, "application/json"));

        await Expect.ProblemAsync(response, 400, "invalid-json");
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{first}"), 404, "unknown-tenant");
        await Expect.ProblemAsync(await admin.GetAsync($"/admin/tenants/{second}"), 404, "unknown-tenant");
    }

    [Fact]
    public async Task Tenant_NonJsonBody_Is415()
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsync("/admin/tenants", new StringContent("id=x", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await Expect.ProblemAsync(response, 415, "unsupported-media-type");
    }

    [Fact]
    public async Task Tenant_Unknown_Is404()
    {
        using var admin = gateway.CreateAdminClient();

        await Expect.ProblemAsync(await admin.GetAsync("/admin/tenants/no-such-tenant"), 404, "unknown-tenant");
        await Expect.ProblemAsync(await admin.GetAsync("/admin/tenants/NOT%20VALID"), 404, "unknown-tenant");
    }

    [Fact]
    public async Task Key_CreatedOnce_ShownOnce_NeverReadableAgain()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = await gateway.CreateTenantAsync();

        var created = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/keys", new { name = "ci", limits = GatewayFactory.TokenBucket("k", 5, 60), scopes = new[] { "orders" } });
        var body = await Expect.JsonAsync(created, 201);
        var keyId = body.GetProperty("id").GetString()!;
        var key = body.GetProperty("key").GetString()!;
        Assert.StartsWith($"sk_{keyId}_", key, StringComparison.Ordinal);
        var secret = key[(4 + keyId.Length)..];

        var fetched = await admin.GetAsync($"/admin/keys/{keyId}");
        var text = await fetched.Content.ReadAsStringAsync();
        await Expect.StatusAsync(fetched, 200);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        var info = System.Text.Json.JsonDocument.Parse(text).RootElement;
        Assert.Equal(tenant, info.GetProperty("tenantId").GetString());
        Assert.Equal("active", info.GetProperty("status").GetString());
        Assert.Equal(5, info.GetProperty("usage")[0].GetProperty("remaining").GetInt64());

        var tenantInfo = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{tenant}"), 200);
        Assert.Equal(keyId, tenantInfo.GetProperty("keyIds")[0].GetString());
    }

    [Fact]
    public async Task Key_ForUnknownTenant_Is404_AndUnknownKeyIs404()
    {
        using var admin = gateway.CreateAdminClient();

        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/admin/tenants/ghost/keys", new { name = "x" }), 404, "unknown-tenant");
        await Expect.ProblemAsync(await admin.GetAsync("/admin/keys/AAAAAAAAAAAA"), 404, "unknown-key");
        await Expect.ProblemAsync(await admin.GetAsync("/admin/keys/short"), 404, "unknown-key");
    }

    [Fact]
    public async Task Key_InvalidScopesAndPastExpiry_Are400()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = await gateway.CreateTenantAsync();

        var response = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/keys", new { scopes = new[] { "Bad Scope" }, expiresAt = "2001-01-01T00:00:00Z" });

        var errors = (await Expect.ProblemAsync(response, 400, "validation-failed")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("scopes[0]", out _));
        Assert.True(errors.TryGetProperty("expiresAt", out _));
    }

    [Fact]
    public async Task Service_CreateThenGet_RoundTrips_WithDefaults()
    {
        using var admin = gateway.CreateAdminClient();
        var id = GatewayFactory.NewId("orders");

        var created = await admin.PostAsJsonAsync("/admin/services", new
        {
            id,
            endpoints = new[] { new { url = "http://127.0.0.1:9", weight = 2 } },
            healthCheck = new { path = "/health", intervalSeconds = 5 },
            circuitBreaker = new { failureRatio = 0.5, minimumThroughput = 20, samplingSeconds = 30, breakSeconds = 5 },
        });
        await Expect.StatusAsync(created, 201);

        var fetched = await Expect.JsonAsync(await admin.GetAsync($"/admin/services/{id}"), 200);
        Assert.Equal("power-of-two-choices", fetched.GetProperty("loadBalancing").GetString());
        Assert.Equal("closed", fetched.GetProperty("circuit").GetProperty("state").GetString());
        Assert.Equal(5, fetched.GetProperty("outlierDetection").GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(10, fetched.GetProperty("timeoutSeconds").GetInt32());
        Assert.Equal(2, fetched.GetProperty("endpoints")[0].GetProperty("weight").GetInt32());
        Assert.Equal("/health", fetched.GetProperty("healthCheck").GetProperty("path").GetString());
        Assert.Equal(1, fetched.GetProperty("version").GetInt64());

        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/admin/services", new { id, endpoints = new[] { new { url = "http://127.0.0.1:9" } } }), 409, "already-exists");
    }

    [Fact]
    public async Task Service_Unknown_Is404_WithoutActivatingItsGrain()
    {
        using var admin = gateway.CreateAdminClient();
        var unknown = GatewayFactory.NewId("nosuch");
        var known = await gateway.CreateServiceAsync("http://127.0.0.1:9");

        await Expect.ProblemAsync(await admin.GetAsync($"/admin/services/{unknown}"), 404, "unknown-service");
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/admin/services/{unknown}/endpoints", new[] { new { url = "http://127.0.0.1:9" } }), 404, "unknown-service");
        await Expect.ProblemAsync(await admin.PostAsync($"/admin/services/{unknown}/circuit/isolate", null), 404, "unknown-service");
        await Expect.StatusAsync(await admin.GetAsync($"/admin/services/{known}"), 200);

        // What the silo holds: the known service's grain, none of the unknown id.
        var activations = await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        Assert.Contains(activations, a => a.GrainId.Key.ToString() == known);
        Assert.DoesNotContain(activations, a => a.GrainId.Key.ToString() == unknown);
    }

    [Fact]
    public async Task Service_CreatedAgainAsItWas_Is201WithTheService_ButNotOnceItsEndpointsChanged()
    {
        using var admin = gateway.CreateAdminClient();
        var id = GatewayFactory.NewId("retry");
        var body = new
        {
            id,
            endpoints = new[] { new { url = "http://127.0.0.1:9", weight = 2 }, new { url = "http://127.0.0.1:10", weight = 1 } },
            timeoutSeconds = 7,
            healthCheck = new { path = "/health", intervalSeconds = 5 },
        };
        await Expect.StatusAsync(await admin.PostAsJsonAsync("/admin/services", body), 201);

        // A retry after a lost answer: the same create, answered as the first was.
        var again = await Expect.JsonAsync(await admin.PostAsJsonAsync("/admin/services", body), 201);
        Assert.Equal(1, again.GetProperty("version").GetInt64());
        Assert.Equal(7, again.GetProperty("timeoutSeconds").GetInt32());
        Assert.Equal(2, again.GetProperty("endpoints").GetArrayLength());
        Assert.Equal(1, (await Expect.JsonAsync(await admin.GetAsync("/admin/services"), 200)).EnumerateArray().Count(e => e.GetString() == id));

        // The same endpoints in another order, or any other field, is another definition.
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/admin/services", body with { endpoints = [body.endpoints[1], body.endpoints[0]] }), 409, "already-exists");
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/admin/services", body with { timeoutSeconds = 8 }), 409, "already-exists");

        // Once the endpoints were changed the service is no longer what that create made.
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/admin/services/{id}/endpoints", new[] { new { url = "http://127.0.0.1:11", weight = 1 } }), 200);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/admin/services", body), 409, "already-exists");
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("v1")]
    [InlineData("health")]
    [InlineData("metrics")]
    [InlineData("dashboard")]
    [InlineData("swagger")]
    [InlineData("openapi")]
    public async Task Service_ReservedId_Is400(string id)
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsJsonAsync("/admin/services", new { id, endpoints = new[] { new { url = "http://127.0.0.1:9" } } });

        var errors = (await Expect.ProblemAsync(response, 400, "validation-failed")).GetProperty("errors");
        Assert.Contains("reserved", errors.GetProperty("id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_BadEndpointsAndTimeout_Are400()
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsJsonAsync("/admin/services", new
        {
            id = "svc-bad",
            endpoints = new[] { new { url = "ftp://x" }, new { url = "http://u:p@host" } },
            timeoutSeconds = 0,
            circuitBreaker = new { minimumReporters = 0 },
        });

        var errors = (await Expect.ProblemAsync(response, 400, "validation-failed")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("endpoints[0].url", out _));
        Assert.True(errors.TryGetProperty("endpoints[1].url", out _));
        Assert.True(errors.TryGetProperty("timeoutSeconds", out _));
        Assert.True(errors.TryGetProperty("circuitBreaker.minimumReporters", out _));
        await Expect.ProblemAsync(await admin.GetAsync("/admin/services/svc-bad"), 404, "unknown-service");
    }
}
