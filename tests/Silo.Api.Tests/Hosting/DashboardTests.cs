using System.Net;
using Microsoft.AspNetCore.Hosting;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Hosting;

/// <summary>The front end on real Kestrel with the Orleans Dashboard on (as by default).</summary>
public sealed class DashboardGatewayFactory : KestrelGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Dashboard:Enabled", "true");
    }
}

/// <summary>The Orleans Dashboard at /dashboard, only behind a browser session made with the admin token.</summary>
public sealed class DashboardTests(DashboardGatewayFactory gateway) : IClassFixture<DashboardGatewayFactory>
{
    [Fact]
    public async Task WithoutASession_PagesGoToTheLoginForm_AndDataIs401()
    {
        using var browser = Browser(new CookieContainer());
        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        page.Headers.Accept.ParseAdd("text/html");
        var redirected = await browser.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith("/login", redirected.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        foreach (var data in new[] { "/dashboard/DashboardCounters", "/dashboard/ClusterStats", "/dashboard/index.min.js" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(data)).StatusCode);
        }

        // A wrong token is refused on the form, with no session.
        var wrong = await browser.PostAsync("/login", Form("not-the-admin-token-000", "/dashboard/"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not the admin token", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task TheAdminToken_OpensASession_AndTheDashboardShowsTheKeyGrains()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        using var client = gateway.CreateKeyClient(key);
        await Expect.StatusAsync(await client.PostAsync("/v1/check", null), 200);

        var cookies = new CookieContainer();
        using var browser = Browser(cookies);
        var signedIn = await browser.PostAsync("/login", Form(GatewayFactory.AdminToken, "//evil.example/"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/console/", signedIn.Headers.Location!.OriginalString);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        var index = await browser.GetAsync("/dashboard/");
        await Expect.StatusAsync(index, 200);
        Assert.Contains("<html", await index.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await Await.UntilAsync(
            async () => (await browser.GetStringAsync("/dashboard/DashboardCounters")).Contains("ApiKeyGrain", StringComparison.Ordinal),
            "the dashboard's counters list the key grain type");

        // Signing out ends the session.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard/DashboardCounters")).StatusCode);
    }

    [Fact]
    public async Task TheGrainStateView_ShowsAKeyAsTheAdminApiDoes_WithoutItsSecret()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var keyId = key.Substring(3, 12);
        using var browser = Browser(new CookieContainer());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/login", Form(GatewayFactory.AdminToken, "/dashboard/"))).StatusCode);

        var state = await browser.GetStringAsync($"/dashboard/GrainState?grainId={keyId}&grainType=Silo.Grains.Keys.ApiKeyGrain");

        Assert.Contains("GetState", state, StringComparison.Ordinal);
        Assert.Contains(tenant, state, StringComparison.Ordinal);
        Assert.DoesNotContain("secretHash", state, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key[16..], state, StringComparison.Ordinal);
        using var anonymous = Browser(new CookieContainer());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/dashboard/GrainState?grainId={keyId}&grainType=Silo.Grains.Keys.ApiKeyGrain")).StatusCode);
    }

    private HttpClient Browser(CookieContainer cookies) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies, UseCookies = true }) { BaseAddress = gateway.ClientOptions.BaseAddress };

    private static FormUrlEncodedContent Form(string token, string returnUrl) =>
        new([new KeyValuePair<string, string>("token", token), new KeyValuePair<string, string>("returnUrl", returnUrl)]);
}
