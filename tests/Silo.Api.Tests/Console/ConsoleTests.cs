using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Silo.Api.Tests.Hosting;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Console;

/// <summary>
/// The gateway console in real headless Chromium against a front end on real Kestrel: signing in, reading a
/// tenant, watching a key's quota fall as the proxy spends it, and revoking, resetting and isolating from the
/// page with the proxy's answers checked over HTTP. Every page visited is saved as a screenshot and must not be blank.
/// </summary>
public sealed class ConsoleTests(DashboardGatewayFactory gateway, Chromium chromium) : IClassFixture<DashboardGatewayFactory>, IClassFixture<Chromium>, IAsyncLifetime
{
    // The page refreshes every 2 s; a figure must show within a few refreshes on a busy machine.
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToContainTextOptions SoonContains = new() { Timeout = 15_000 };

    private readonly Downstream _downstream = new();
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        await _downstream.InitializeAsync();
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = gateway.ClientOptions.BaseAddress!.ToString() });
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _downstream.DisposeAsync();
    }

    [Fact]
    public async Task SigningIn_OpensTheConsole_AndTheTenantPageShowsItsLimitsKeysAndAudit()
    {
        var tenant = await gateway.CreateTenantAsync(new[] { new { name = "hourly", algorithm = "fixed-window", limit = 500, windowSeconds = 3600 } });
        var keyId = await KeyIdAsync(tenant, await gateway.CreateKeyAsync(tenant));

        // Without a session the console sends the browser to the sign-in form; a wrong token stays there.
        await _page.GotoAsync("/console/");
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex("/login", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await _page.FillAsync("#token", "not-the-admin-token-000");
        await _page.ClickAsync("button[type=submit]");
        await Assertions.Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the admin token");
        await AssertNotBlankAsync("login-refused");

        await SignInAsync();
        await Assertions.Expect(_page.GetByTestId("tenants")).ToContainTextAsync(tenant, SoonContains);
        await AssertNotBlankAsync("tenants");

        await _page.GetByRole(AriaRole.Link, new() { Name = tenant, Exact = true }).ClickAsync();
        await Assertions.Expect(_page.GetByTestId("tenant-remaining-hourly")).ToHaveTextAsync("500", Soon);
        await Assertions.Expect(_page.GetByTestId("tenant-status")).ToHaveTextAsync("active");
        await Assertions.Expect(_page.GetByTestId("tenant-keys")).ToContainTextAsync(keyId);
        await Assertions.Expect(_page.GetByTestId("tenant-audit")).ToContainTextAsync("key.created");
        await AssertNotBlankAsync("tenant");
    }

    [Fact]
    public async Task SpendingQuotaThroughTheProxy_TheKeyPageShowsRemainingFall_AndResetFromThePageRestoresIt()
    {
        var (key, keyId, service) = await KeyAndServiceAsync();
        await SignInAsync();
        await _page.GotoAsync($"/console/#/keys/{keyId}");
        await Assertions.Expect(_page.GetByTestId("key-remaining-daily")).ToHaveTextAsync("10", Soon);

        using var client = gateway.CreateKeyClient(key);
        for (var i = 0; i < 3; i++)
        {
            await Expect.StatusAsync(await client.GetAsync($"/{service}/echo/spend"), 200);
        }

        // The page refreshes by itself: no reload, no click.
        await Assertions.Expect(_page.GetByTestId("key-remaining-daily")).ToHaveTextAsync("7", Soon);
        await AssertNotBlankAsync("key-spent");

        await _page.GetByTestId("reset-daily").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("key-remaining-daily")).ToHaveTextAsync("10", Soon);
        using var admin = gateway.CreateAdminClient();
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{await TenantOfAsync(keyId)}/audit");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "key.limit-reset" && e.GetProperty("detail").GetString() == "daily");
    }

    [Fact]
    public async Task RevokingFromThePage_TheProxyAnswers401()
    {
        var (key, keyId, service) = await KeyAndServiceAsync();
        using var client = gateway.CreateKeyClient(key);
        await Expect.StatusAsync(await client.GetAsync($"/{service}/echo/before"), 200);

        await SignInAsync();
        await _page.GotoAsync($"/console/#/keys/{keyId}");
        await Assertions.Expect(_page.GetByTestId("key-status")).ToHaveTextAsync("active", Soon);
        _page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await _page.GetByTestId("revoke").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("key-status")).ToHaveTextAsync("revoked", Soon);
        await AssertNotBlankAsync("key-revoked");

        await Expect.ProblemAsync(await client.GetAsync($"/{service}/echo/after"), 401, "invalid-api-key");
    }

    [Fact]
    public async Task IsolatingACircuitFromThePage_TheProxyAnswers503_UntilClosedFromThePage()
    {
        var (key, _, service) = await KeyAndServiceAsync();
        using var client = gateway.CreateKeyClient(key);
        await SignInAsync();
        await _page.GotoAsync($"/console/#/services/{service}");
        await Assertions.Expect(_page.GetByTestId("circuit-state")).ToHaveTextAsync("closed", Soon);
        await Assertions.Expect(_page.GetByTestId("endpoints")).ToContainTextAsync(_downstream.BaseUrl);

        await _page.GetByTestId("circuit-isolate").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("circuit-state")).ToHaveTextAsync("isolated", Soon);
        await AssertNotBlankAsync("service-isolated");
        await Expect.ProblemAsync(await client.GetAsync($"/{service}/echo/held"), 503, "circuit-open");

        await _page.GetByTestId("circuit-close").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("circuit-state")).ToHaveTextAsync("closed", Soon);
        await Expect.StatusAsync(await client.GetAsync($"/{service}/echo/again"), 200);
    }

    [Fact]
    public async Task AddingAnIdentityProviderFromTheTenantPage_ItsTokensAreAdmitted_UntilRemovedFromThePage()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var tenant = await gateway.CreateTenantAsync();
        using var client = gateway.CreateClient();
        async Task<HttpResponseMessage> CheckAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", idp.Token("page-user"));
            return await client.SendAsync(request);
        }

        await SignInAsync();
        await _page.GotoAsync($"/console/#/tenants/{tenant}");
        await Assertions.Expect(_page.GetByTestId("tenant-issuers")).ToContainTextAsync("None.", SoonContains);
        await _page.GetByTestId("add-issuer-issuer").FillAsync(idp.Issuer);
        await _page.GetByTestId("add-issuer-audience").FillAsync("api");
        await _page.GetByTestId("add-issuer-keys").FillAsync(idp.JwksUri);
        await _page.GetByTestId("add-issuer-perMinute").FillAsync("5");
        await _page.GetByTestId("add-issuer-submit").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("tenant-issuers")).ToContainTextAsync(idp.Issuer, SoonContains);
        await Assertions.Expect(_page.GetByTestId("tenant-issuers")).ToContainTextAsync("per-minute: 5/60 s", SoonContains);
        await AssertNotBlankAsync("tenant-issuer");

        var allowed = await Expect.JsonAsync(await CheckAsync(), 200);
        Assert.Equal(4, allowed.GetProperty("remaining").GetInt64());

        await _page.GetByTestId("tenant-issuers").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Assertions.Expect(_page.GetByTestId("tenant-issuers")).ToContainTextAsync("None.", SoonContains);
        await Expect.ProblemAsync(await CheckAsync(), 401, "invalid-token");
    }

    [Fact]
    public async Task TheServiceList_PagesFiftyAtATime_AndOpensAServiceById()
    {
        for (var i = 0; i < 55; i++)
        {
            await gateway.CreateServiceAsync(_downstream.BaseUrl);
        }

        using var admin = gateway.CreateAdminClient();
        var first = (await admin.GetFromJsonAsync<string[]>("/admin/services?limit=50"))!;
        var second = (await admin.GetFromJsonAsync<string[]>($"/admin/services?limit=50&after={first[^1]}"))!;
        await SignInAsync();
        await _page.GotoAsync("/console/#/services");
        await Assertions.Expect(_page.GetByTestId("services")).ToContainTextAsync(first[0], SoonContains);
        await Assertions.Expect(_page.GetByTestId("services")).ToContainTextAsync(first[^1]);
        await Assertions.Expect(_page.GetByTestId("services")).Not.ToContainTextAsync(second[0]);

        await _page.GetByTestId("services-next").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("services-page")).ToContainTextAsync("page 2", SoonContains);
        await Assertions.Expect(_page.GetByTestId("services")).ToContainTextAsync(second[0]);
        await Assertions.Expect(_page.GetByTestId("services")).Not.ToContainTextAsync(first[0]);
        await AssertNotBlankAsync("services-page-2");

        await _page.GetByTestId("services-previous").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("services-page")).ToContainTextAsync("page 1", SoonContains);
        await Assertions.Expect(_page.GetByTestId("services")).ToContainTextAsync(first[0]);

        await _page.GetByTestId("services-find-id").FillAsync(second[^1]);
        await _page.GetByTestId("services-find-submit").ClickAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex($"#/services/{second[^1]}$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Assertions.Expect(_page.GetByTestId("endpoints")).ToContainTextAsync(_downstream.BaseUrl, SoonContains);
    }

    [Fact]
    public async Task SigningFromTheServicePage_TheSecretShownOnceVerifiesForwardedRequests_UntilStoppedFromThePage()
    {
        // A downstream that verifies with whatever secret the page showed.
        byte[]? shownSecret = null;
        var accepts = new Silo.Signing.SignatureVerifierOptions { KeyResolver = _ => shownSecret };
        await using var verifying = await LoopbackApp.StartAsync(app =>
        {
            Silo.Signing.SignatureVerificationExtensions.UseSiloSignatureVerification(app, new Silo.Signing.SignatureVerifier(accepts));
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.Map(app, "/{**path}", () => "verified");
        });
        var key = await gateway.CreateKeyAsync(await gateway.CreateTenantAsync());
        var service = await gateway.CreateServiceAsync(verifying.BaseUrl);
        using var client = gateway.CreateKeyClient(key);
        await Expect.ProblemAsync(await client.GetAsync($"/{service}/unsigned"), 401, "bad-signature");

        await SignInAsync();
        await _page.GotoAsync($"/console/#/services/{service}");
        await Assertions.Expect(_page.GetByTestId("signing-keys")).ToContainTextAsync("None.", SoonContains);
        await _page.GetByTestId("signing-add").ClickAsync();
        shownSecret = Convert.FromBase64String((await _page.GetByTestId("created-key").TextContentAsync(new() { Timeout = 15_000 }))!.Trim());
        await Assertions.Expect(_page.GetByTestId("signing-keys")).ToContainTextAsync("sig_", SoonContains);
        await AssertNotBlankAsync("service-signing");
        Assert.Equal(32, shownSecret.Length);
        Assert.Equal("verified", await client.GetStringAsync($"/{service}/signed"));

        _page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await _page.GetByTestId("signing-stop").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("signing-keys")).ToContainTextAsync("None.", SoonContains);
        await Expect.ProblemAsync(await client.GetAsync($"/{service}/unsigned-again"), 401, "bad-signature");
    }

    [Fact]
    public async Task CreatingATenantKeyAndServiceFromThePages_TheKeyShownOnceWorksThroughTheProxy()
    {
        var tenant = GatewayFactory.NewId("ui");
        var service = GatewayFactory.NewId("svc");
        await SignInAsync();

        // A bad id is refused with the field named, and nothing is created.
        await _page.GetByTestId("create-tenant-id").FillAsync("Not Valid");
        await _page.GetByTestId("create-tenant-name").FillAsync("UI tenant");
        await _page.GetByTestId("create-tenant-submit").ClickAsync();
        await Assertions.Expect(_page.Locator("#status")).ToContainTextAsync("id:", SoonContains);

        await _page.GetByTestId("create-tenant-id").FillAsync(tenant);
        await _page.GetByTestId("create-tenant-perMinute").FillAsync("100");
        await _page.GetByTestId("create-tenant-submit").ClickAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex($"#/tenants/{tenant}$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Assertions.Expect(_page.GetByTestId("tenant-remaining-per-minute")).ToHaveTextAsync("100", Soon);

        await _page.GetByTestId("create-key-name").FillAsync("from-the-page");
        await _page.GetByTestId("create-key-scopes").FillAsync(service);
        await _page.GetByTestId("create-key-submit").ClickAsync();
        var key = (await _page.GetByTestId("created-key").TextContentAsync(new() { Timeout = 15_000 }))!.Trim();
        Assert.StartsWith("sk_", key, StringComparison.Ordinal);
        await Assertions.Expect(_page.GetByTestId("tenant-keys")).ToContainTextAsync("from-the-page", SoonContains);
        await AssertNotBlankAsync("key-created");

        await _page.GotoAsync("/console/#/services");
        await _page.GetByTestId("create-service-id").FillAsync(service);
        await _page.GetByTestId("create-service-url").FillAsync(_downstream.BaseUrl);
        await _page.GetByTestId("create-service-timeoutSeconds").FillAsync("5");
        await _page.GetByTestId("create-service-submit").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("endpoints")).ToContainTextAsync(_downstream.BaseUrl, SoonContains);
        await AssertNotBlankAsync("service-created");

        using var client = gateway.CreateKeyClient(key);
        await Expect.StatusAsync(await client.GetAsync($"/{service}/echo/created"), 200);
        using var admin = gateway.CreateAdminClient();
        var keyInfo = await admin.GetFromJsonAsync<JsonElement>($"/admin/keys/{await KeyIdAsync(tenant, key)}");
        Assert.Equal(service, keyInfo.GetProperty("scopes")[0].GetString());
    }

    /// <summary>
    /// The key's and service's plots move as traffic flows through the proxy, and plot what was served: read back
    /// from the drawn lines' numbers (5 admitted and 3 limited for a key allowed 5 a day; 5 attempts sent
    /// downstream, none failed; the circuit closed).
    /// </summary>
    [Fact]
    public async Task TrafficThroughTheProxy_ThePlotsOfTheKeyAndServiceShowIt()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, new[] { new { name = "daily", algorithm = "fixed-window", limit = 5, windowSeconds = 86_400 } });
        var keyId = await KeyIdAsync(tenant, key);
        var service = await gateway.CreateServiceAsync(_downstream.BaseUrl);
        await SignInAsync();
        await _page.GotoAsync($"/console/#/keys/{keyId}");
        await Assertions.Expect(_page.GetByTestId("plot-admissions")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Equal(0, await SumAsync("admitted"));

        using var client = gateway.CreateKeyClient(key);
        var statuses = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((int)(await client.GetAsync($"/{service}/echo/plotted")).StatusCode);
        }

        Assert.Equal([200, 200, 200, 200, 200, 429, 429, 429], statuses);
        await WaitForSumAsync("admitted", 5);
        await WaitForSumAsync("limited", 3);
        await AssertNotBlankAsync("key-plot");

        await _page.GotoAsync($"/console/#/services/{service}");
        await WaitForSumAsync("attempts", 5);
        Assert.Equal(0, await SumAsync("failures"));
        var circuit = await _page.GetByTestId("plot-circuit").Locator("[data-series=circuit]").GetAttributeAsync("data-values");
        Assert.Contains("closed", circuit!.Split(','));
        await AssertNotBlankAsync("service-plots");
    }

    [Fact]
    public async Task TheOrleansDashboard_ListsTheKeyGrainType_AfterTraffic()
    {
        var (key, _, service) = await KeyAndServiceAsync();
        using var client = gateway.CreateKeyClient(key);
        await Expect.StatusAsync(await client.GetAsync($"/{service}/echo/traffic"), 200);

        await SignInAsync();
        await _page.GotoAsync("/dashboard/#/grains");
        await Assertions.Expect(_page.Locator("body")).ToContainTextAsync("ApiKeyGrain", new() { Timeout = 30_000 });
        await AssertNotBlankAsync("dashboard-grains");
    }

    private async Task SignInAsync()
    {
        if (!_page.Url.Contains("/login", StringComparison.Ordinal))
        {
            await _page.GotoAsync("/login?returnUrl=/console/");
        }

        await _page.FillAsync("#token", GatewayFactory.AdminToken);
        await _page.ClickAsync("button[type=submit]");
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex("/console/", RegexOptions.None, TimeSpan.FromSeconds(1)));
    }

    /// <summary>A key with a daily limit of 10 and a service in front of the test downstream.</summary>
    private async Task<(string Key, string KeyId, string Service)> KeyAndServiceAsync()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, new[] { new { name = "daily", algorithm = "fixed-window", limit = 10, windowSeconds = 86_400 } });
        var service = await gateway.CreateServiceAsync(_downstream.BaseUrl);
        return (key, await KeyIdAsync(tenant, key), service);
    }

    private async Task<string> KeyIdAsync(string tenant, string key)
    {
        using var admin = gateway.CreateAdminClient();
        var info = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant}");
        var keyId = info.GetProperty("keyIds").EnumerateArray().Single().GetString()!;
        Assert.Contains(keyId, key, StringComparison.Ordinal);
        return keyId;
    }

    private async Task<string> TenantOfAsync(string keyId)
    {
        using var admin = gateway.CreateAdminClient();
        return (await admin.GetFromJsonAsync<JsonElement>($"/admin/keys/{keyId}")).GetProperty("tenantId").GetString()!;
    }

    // The numbers a plotted line was drawn from (data-values), added up.
    private Task<long> SumAsync(string series) =>
        _page.EvaluateAsync<long>(
            "name => (document.querySelector(`[data-series=\"${name}\"]`)?.getAttribute('data-values') || '').split(',').reduce((a, v) => a + (Number(v) || 0), 0)",
            series);

    private async Task WaitForSumAsync(string series, long expected)
    {
        await _page.WaitForFunctionAsync(
            "([name, expected]) => (document.querySelector(`[data-series=\"${name}\"]`)?.getAttribute('data-values') || '').split(',').reduce((a, v) => a + (Number(v) || 0), 0) === expected",
            new object[] { series, expected },
            new() { Timeout = 15_000 });
        Assert.Equal(expected, await SumAsync(series));
    }

    private async Task AssertNotBlankAsync(string name)
    {
        var colours = await chromium.ScreenshotAsync(_page, name);
        Assert.True(colours > 8, $"The screenshot {name}.png has {colours} colours: the page looks blank.");
    }
}
