using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Silo.Cluster.Tests;

/// <summary>The Orleans Dashboard served by a silo process itself, behind HTTP Basic with the admin token.</summary>
[Trait("Category", "Cluster")]
public sealed class SiloDashboardTests
{
    [Fact]
    public async Task ASilo_ServesTheDashboard_OnlyWithTheAdminToken_AndBlocksGuessing()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, frontEnds: 1, $"--Admin:Token={ProcessCluster.AdminToken}");
        var (key, _) = await cluster.CreateTenantWithKeyAsync("dash", new { name = "m", algorithm = "token-bucket", limit = 100, windowSeconds = 60 });
        Assert.Equal(200, await cluster.FrontEnds[0].CheckAsync(key));
        var silo = cluster.Silos[0].Client;

        var anonymous = await silo.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        // Any user name; the admin token is the password.
        using var page = Request("/dashboard/", "operator", ProcessCluster.AdminToken);
        var index = await silo.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Contains("<html", await index.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await Silo.TestKit.Await.UntilAsync(
            async () =>
            {
                using var counters = Request("/dashboard/DashboardCounters", "operator", ProcessCluster.AdminToken);
                return (await (await silo.SendAsync(counters)).Content.ReadAsStringAsync()).Contains("ApiKeyGrain", StringComparison.Ordinal);
            },
            "the silo's dashboard lists the key grain type");

        // Ten wrong guesses are refused one by one; then the address waits out the minute, even with the right token.
        for (var i = 0; i < 10; i++)
        {
            using var guess = Request("/dashboard/", "operator", $"guess-{i:D4}-0000000000000");
            Assert.Equal(HttpStatusCode.Unauthorized, (await silo.SendAsync(guess)).StatusCode);
        }

        using var blocked = Request("/dashboard/", "operator", ProcessCluster.AdminToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await silo.SendAsync(blocked)).StatusCode);
        Assert.DoesNotContain(ProcessCluster.AdminToken, cluster.Silos[0].Process.Output, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Request(string path, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
    }
}
