using System.Net.Http.Json;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Admin;

/// <summary><c>GET /admin/{tenants|keys|services}/{id}/traffic</c>: the last minutes second by second, as served.</summary>
public sealed class TrafficTests(KestrelGatewayFactory gateway, Downstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task AfterTraffic_TheKeyTenantAndServiceSeriesAddUpToWhatWasServed()
    {
        using var admin = gateway.CreateAdminClient();
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, new[] { new { name = "daily", algorithm = "fixed-window", limit = 4, windowSeconds = 86_400 } });
        var keyId = key.Split('_')[1];
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var client = gateway.CreateKeyClient(key);
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((int)(await client.GetAsync($"/{service}/counted")).StatusCode);
        }

        Assert.Equal([200, 200, 200, 200, 429, 429], statuses);

        // The current second is not in the series until it has passed.
        var keyTraffic = await UntilAsync(admin, $"/admin/keys/{keyId}/traffic?seconds=60", t => Sum(t, "admitted") == 4);
        Assert.Equal(2, Sum(keyTraffic, "limited"));
        Assert.Equal(60, keyTraffic.GetProperty("seconds").GetInt32());
        Assert.Equal(60, keyTraffic.GetProperty("admitted").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, keyTraffic.GetProperty("attempts").ValueKind);
        Assert.True(keyTraffic.GetProperty("frontEndsAnswered").GetInt32() >= 1);

        var tenantTraffic = await UntilAsync(admin, $"/admin/tenants/{tenant}/traffic", t => Sum(t, "admitted") == 4);
        Assert.Equal(2, Sum(tenantTraffic, "limited"));
        Assert.Equal(300, tenantTraffic.GetProperty("admitted").GetArrayLength());

        var serviceTraffic = await UntilAsync(admin, $"/admin/services/{service}/traffic", t => Sum(t, "attempts") == 4);
        Assert.Equal(0, Sum(serviceTraffic, "failures"));
        var p50 = serviceTraffic.GetProperty("p50Milliseconds").EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetDouble()).ToArray();
        Assert.NotEmpty(p50);
        Assert.All(p50, v => Assert.InRange(v, 0.1, 30_000));
        Assert.Contains("closed", serviceTraffic.GetProperty("circuit").EnumerateArray().Select(v => v.GetString()));
    }

    [Theory]
    [InlineData("/admin/tenants/Not_A_Slug/traffic", 404, "unknown-tenant")]
    [InlineData("/admin/keys/no/traffic", 404, "unknown-key")]
    [InlineData("/admin/services/-bad-/traffic", 404, "unknown-service")]
    [InlineData("/admin/services/orders/traffic?seconds=5", 400, "validation-failed")]
    [InlineData("/admin/services/orders/traffic?seconds=301", 400, "validation-failed")]
    [InlineData("/admin/services/orders/traffic?seconds=ten", 400, "validation-failed")]
    public async Task BadIdOrWindow_IsAProblem(string path, int status, string type)
    {
        using var admin = gateway.CreateAdminClient();

        await Expect.ProblemAsync(await admin.GetAsync(path), status, type);
    }

    [Fact]
    public async Task AWellFormedIdOfNothing_AnswersZeros()
    {
        using var admin = gateway.CreateAdminClient();

        var traffic = await Expect.JsonAsync(await admin.GetAsync($"/admin/tenants/{GatewayFactory.NewId("none")}/traffic?seconds=10"), 200);

        Assert.Equal(0, Sum(traffic, "admitted"));
        Assert.Equal(10, traffic.GetProperty("limited").GetArrayLength());
    }

    private static long Sum(JsonElement traffic, string series) => traffic.GetProperty(series).EnumerateArray().Sum(v => v.GetInt64());

    private static async Task<JsonElement> UntilAsync(HttpClient admin, string path, Func<JsonElement, bool> done)
    {
        JsonElement traffic = default;
        await Silo.TestKit.Await.UntilAsync(async () => done(traffic = (await admin.GetFromJsonAsync<JsonElement>(path))), $"{path} adds up", TimeSpan.FromSeconds(10));
        return traffic;
    }
}
