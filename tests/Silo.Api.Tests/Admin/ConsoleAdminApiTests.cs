using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Admin;

/// <summary>
/// What the gateway console needs from the admin API: the tenant and service indexes, resetting one limit of a
/// key, and the browser session (reads with the cookie alone; changes only with the console's header too).
/// </summary>
public sealed class ConsoleAdminApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task TenantsAndServices_AreListed_OnlyForTheAdmin()
    {
        var tenant = await gateway.CreateTenantAsync();
        var service = await gateway.CreateServiceAsync("http://127.0.0.1:9/");
        using var admin = gateway.CreateAdminClient();
        Assert.Contains(tenant, (await admin.GetFromJsonAsync<string[]>("/admin/tenants"))!);
        Assert.Contains(service, (await admin.GetFromJsonAsync<string[]>("/admin/services"))!);
        Assert.DoesNotContain(service, (await admin.GetFromJsonAsync<string[]>("/admin/tenants"))!);

        using var anonymous = gateway.CreateClient();
        await Expect.ProblemAsync(await anonymous.GetAsync("/admin/tenants"), 401, "admin-unauthorized");
        await Expect.ProblemAsync(await anonymous.GetAsync("/admin/services"), 401, "admin-unauthorized");
    }

    [Fact]
    public async Task ResetLimit_GivesTheWholeQuotaBack_IsAudited_AndNamesWhatIsMissing()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, new[]
        {
            new { name = "hourly", algorithm = "fixed-window", limit = 5, windowSeconds = 3600 },
            new { name = "minute", algorithm = "fixed-window", limit = 50, windowSeconds = 60 },
        });
        var keyId = key.Substring(3, 12);
        using var client = gateway.CreateKeyClient(key);
        for (var i = 0; i < 5; i++)
        {
            await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);
        }

        await Expect.ProblemAsync(await client.PostAsync("/v1/check", null), 429, "rate-limited");

        using var admin = gateway.CreateAdminClient();
        var reset = await Expect.JsonAsync(await admin.PostAsync($"/admin/keys/{keyId}/limits/hourly/reset", null), 200);
        Assert.Equal(5, Remaining(reset, "hourly"));
        Assert.Equal(45, Remaining(reset, "minute"));
        await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);

        var audit = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant}/audit");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "key.limit-reset" && e.GetProperty("keyId").GetString() == keyId);

        await Expect.ProblemAsync(await admin.PostAsync($"/admin/keys/{keyId}/limits/weekly/reset", null), 404, "unknown-limit");
        await Expect.ProblemAsync(await admin.PostAsync("/admin/keys/AAAAAAAAAAAA/limits/hourly/reset", null), 404, "unknown-key");
        await Expect.ProblemAsync(await admin.PostAsync("/admin/keys/not-a-key/limits/hourly/reset", null), 404, "unknown-key");
        using var anonymous = gateway.CreateClient();
        await Expect.ProblemAsync(await anonymous.PostAsync($"/admin/keys/{keyId}/limits/hourly/reset", null), 401, "admin-unauthorized");
    }

    [Fact]
    public async Task ABrowserSession_Reads_ButChangesOnlyWithTheConsoleHeader()
    {
        var tenant = await gateway.CreateTenantAsync();
        using var browser = gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await Expect.ProblemAsync(await browser.GetAsync($"/admin/tenants/{tenant}"), 401, "admin-unauthorized");
        using var form = new FormUrlEncodedContent([new("token", GatewayFactory.AdminToken), new("returnUrl", "/console/")]);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/login", form)).StatusCode);

        await Expect.StatusAsync(await browser.GetAsync($"/admin/tenants/{tenant}"), 200);

        // A form posted from another page carries the cookie (were SameSite ever to allow it) but not the header.
        await Expect.ProblemAsync(await browser.PostAsync($"/admin/tenants/{tenant}/suspend", null), 401, "admin-unauthorized");
        using var admin = gateway.CreateAdminClient();
        Assert.Equal("active", (await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant}")).GetProperty("status").GetString());

        using var fromConsole = new HttpRequestMessage(HttpMethod.Post, $"/admin/tenants/{tenant}/suspend");
        fromConsole.Headers.Add("X-Silo-Console", "1");
        await Expect.StatusAsync(await browser.SendAsync(fromConsole), 204);
        Assert.Equal("suspended", (await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant}")).GetProperty("status").GetString());

        // A wrong bearer token is refused even with a session: the token, when sent, is what is checked.
        using var wrongToken = new HttpRequestMessage(HttpMethod.Get, $"/admin/tenants/{tenant}");
        wrongToken.Headers.Authorization = new("Bearer", "wrong-token-0000000000");
        await Expect.ProblemAsync(await browser.SendAsync(wrongToken), 401, "admin-unauthorized");
    }

    [Fact]
    public async Task ConsolePages_NeedASession_AndMayLoadOnlyTheirOwnFiles()
    {
        using var anonymous = gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var page = new HttpRequestMessage(HttpMethod.Get, "/console/");
        page.Headers.Accept.ParseAdd("text/html");
        var redirected = await anonymous.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith("/login", redirected.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/console/console.js")).StatusCode);

        using var browser = gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var form = new FormUrlEncodedContent([new("token", GatewayFactory.AdminToken), new("returnUrl", "/console/")]);
        Assert.Equal("/console/", (await browser.PostAsync("/login", form)).Headers.Location!.OriginalString);

        var index = await browser.GetAsync("/console/");
        await Expect.StatusAsync(index, 200);
        Assert.Equal("text/html", index.Content.Headers.ContentType!.MediaType);
        Assert.Contains("/console/console.js", await index.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var policy = index.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);

        var script = await browser.GetAsync("/console/console.js");
        await Expect.StatusAsync(script, 200);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal("/console/", (await browser.GetAsync("/console")).Headers.Location!.OriginalString);
        await Expect.ProblemAsync(await browser.GetAsync("/console/nothing-here.js"), 404, "not-found");
    }

    private static long Remaining(JsonElement key, string limit) =>
        key.GetProperty("usage").EnumerateArray().Single(u => u.GetProperty("name").GetString() == limit).GetProperty("remaining").GetInt64();
}
