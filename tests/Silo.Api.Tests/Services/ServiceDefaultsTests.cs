using System.Net.Http.Json;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Services;

/// <summary>
/// A service's settings through the admin API: defaults never conflict with what a request did say (a default
/// that would is derived from the given value), the recovery settings and their defaults are shown, and values
/// out of range are refused naming the field.
/// </summary>
public sealed class ServiceDefaultsTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(10, 2)]
    public async Task HealthCheck_IntervalAlone_IsValid_TheTimeoutDefaultsToTheSmallerOf2AndTheInterval(int interval, int expectedTimeout)
    {
        var body = await CreateAsync(new { healthCheck = new { path = "/health", intervalSeconds = interval } }, 201);

        var check = body.GetProperty("healthCheck");
        Assert.Equal((interval, expectedTimeout, 2, 3), (check.GetProperty("intervalSeconds").GetInt32(), check.GetProperty("timeoutSeconds").GetInt32(), check.GetProperty("healthyThreshold").GetInt32(), check.GetProperty("unhealthyThreshold").GetInt32()));
    }

    [Fact]
    public async Task HealthCheck_NothingButThePath_TakesTheDefaults()
    {
        var check = (await CreateAsync(new { healthCheck = new { path = "/health" } }, 201)).GetProperty("healthCheck");

        Assert.Equal((5, 2), (check.GetProperty("intervalSeconds").GetInt32(), check.GetProperty("timeoutSeconds").GetInt32()));
    }

    [Fact]
    public async Task HealthCheck_ATimeoutGivenAboveTheInterval_IsStillRefused()
    {
        var body = await CreateAsync(new { healthCheck = new { path = "/health", intervalSeconds = 1, timeoutSeconds = 2 } }, 400);

        Assert.True(body.GetProperty("errors").TryGetProperty("healthCheck.timeoutSeconds", out _));
    }

    [Theory]
    [InlineData(600, 600)]
    [InlineData(10, 300)]
    [InlineData(300, 300)]
    public async Task OutlierDetection_BaseEjectionAlone_IsValid_TheMaximumDefaultsToTheLargerOf300AndIt(int baseSeconds, int expectedMax)
    {
        var body = await CreateAsync(new { outlierDetection = new { baseEjectionSeconds = baseSeconds } }, 201);

        var outliers = body.GetProperty("outlierDetection");
        Assert.Equal((baseSeconds, expectedMax), (outliers.GetProperty("baseEjectionSeconds").GetInt32(), outliers.GetProperty("maxEjectionSeconds").GetInt32()));
    }

    [Fact]
    public async Task OutlierDetection_AMaximumGivenBelowTheBase_IsStillRefused()
    {
        var body = await CreateAsync(new { outlierDetection = new { baseEjectionSeconds = 60, maxEjectionSeconds = 30 } }, 400);

        Assert.True(body.GetProperty("errors").TryGetProperty("outlierDetection.maxEjectionSeconds", out _));
    }

    [Fact]
    public async Task RecoverySettings_Omitted_AreShownWithTheirDefaults()
    {
        var body = await CreateAsync(new { }, 201);

        Assert.Equal(50, body.GetProperty("panicThresholdPercent").GetInt32());
        Assert.False(body.GetProperty("panic").GetBoolean());
        Assert.True(body.GetProperty("outlierDetection").GetProperty("unejectOnHealthyCheck").GetBoolean());
        Assert.True(body.GetProperty("endpoints")[0].GetProperty("routed").GetBoolean());
        var fetched = await GetAsync(body.GetProperty("id").GetString()!);
        Assert.Equal(50, fetched.GetProperty("panicThresholdPercent").GetInt32());
        Assert.True(fetched.GetProperty("outlierDetection").GetProperty("unejectOnHealthyCheck").GetBoolean());
    }

    [Fact]
    public async Task RecoverySettings_Given_AreKept()
    {
        var body = await CreateAsync(new { panicThresholdPercent = 0, outlierDetection = new { unejectOnHealthyCheck = false } }, 201);

        var fetched = await GetAsync(body.GetProperty("id").GetString()!);
        Assert.Equal(0, fetched.GetProperty("panicThresholdPercent").GetInt32());
        Assert.False(fetched.GetProperty("outlierDetection").GetProperty("unejectOnHealthyCheck").GetBoolean());
        Assert.Equal(30, fetched.GetProperty("outlierDetection").GetProperty("baseEjectionSeconds").GetInt32());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public async Task PanicThreshold_OutOfRange_IsRefused(int percent)
    {
        var body = await CreateAsync(new { panicThresholdPercent = percent }, 400);

        Assert.True(body.GetProperty("errors").TryGetProperty("panicThresholdPercent", out _));
    }

    [Fact]
    public async Task UnejectOnHealthyCheck_NotABoolean_IsRefused()
    {
        using var admin = gateway.CreateAdminClient();
        var id = GatewayFactory.NewId("svc");
        using var content = new StringContent(
            $$$"""{"id":"{{{id}}}","endpoints":[{"url":"http://127.0.0.1:9"}],"outlierDetection":{"unejectOnHealthyCheck":"yes"}}""",
            System.Text.Encoding.UTF8,
            "application/json");

        await Expect.ProblemAsync(await admin.PostAsync("/admin/services", content), 400, "invalid-json");
    }

    private async Task<JsonElement> CreateAsync(object settings, int status)
    {
        using var admin = gateway.CreateAdminClient();
        var body = JsonSerializer.SerializeToNode(settings, JsonSerializerOptions.Web)!.AsObject();
        body["id"] = GatewayFactory.NewId("svc");
        body["endpoints"] = JsonSerializer.SerializeToNode(new[] { new { url = "http://127.0.0.1:9" } }, JsonSerializerOptions.Web);
        return await Expect.JsonAsync(await admin.PostAsJsonAsync("/admin/services", body), status);
    }

    private async Task<JsonElement> GetAsync(string service)
    {
        using var admin = gateway.CreateAdminClient();
        return await Expect.JsonAsync(await admin.GetAsync($"/admin/services/{service}"), 200);
    }
}
