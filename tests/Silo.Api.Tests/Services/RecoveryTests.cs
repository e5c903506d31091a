using System.Diagnostics;
using System.Text.Json;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;
using Xunit.Abstractions;

namespace Silo.Api.Tests.Services;

/// <summary>
/// How a service comes back, end to end: the front end with its embedded silo in front of real Kestrel downstreams
/// that die and come back on the same port. The time from an endpoint's return to the first 200 through the gateway
/// is measured and bounded; the same scenario with un-ejection turned off shows the 503s it saves.
/// </summary>
public sealed class RecoveryTests(GatewayFactory gateway, ITestOutputHelper output) : IClassFixture<GatewayFactory>
{
    private const int IntervalSeconds = 1;
    private const int HealthyThreshold = 2;

    /// <summary>
    /// From an endpoint's return to its first 200 through the gateway, at most: healthyThreshold passing checks,
    /// one interval apart, the first at most one interval after the return (healthyThreshold × interval); the front
    /// end's snapshot refresh, at most once a second, the request that starts it still served from the old one
    /// (1 s); and 2 s for this machine (two cores shared with other builds and tests: a grain timer, the
    /// thread-pool hop of a round of checks, the check's own connect and answer, and the test's polling can each
    /// lag by hundreds of milliseconds).
    /// </summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds((HealthyThreshold * IntervalSeconds) + 1 + 2);

    [Fact]
    public async Task EndpointBack_WhileTheOtherIsDown_IsServedWithinHealthyThresholdIntervals_ItsEjectionEndedByTheChecks()
    {
        await using var a = await FlakyDownstream.StartAsync();
        await using var b = await FlakyDownstream.StartAsync();
        var (service, client) = await SetUpAsync(a, b, uneject: null, baseEjectionSeconds: 30);

        var (recovery, ejectionLeft, answers) = await DieBothThenReviveAsync(service, client, a, b);

        output.WriteLine($"un-ejection on: first 200 {recovery.TotalSeconds:F2} s after the endpoint's return (bound {RecoveryBound.TotalSeconds} s); its ejection had {ejectionLeft.TotalSeconds:F1} s left");
        Assert.True(ejectionLeft > RecoveryBound + TimeSpan.FromSeconds(5), $"the ejection outlasts the bound ({ejectionLeft.TotalSeconds:F1} s left)");
        Assert.True(recovery <= RecoveryBound, $"served again after {recovery.TotalSeconds:F2} s, bound {RecoveryBound.TotalSeconds} s");
        Assert.All(answers, s => Assert.Equal(503, s));
        var endpoint = await gateway.EndpointAsync(service, a.BaseUrl);
        Assert.False(endpoint.GetProperty("ejected").GetBoolean());
        Assert.True(endpoint.GetProperty("available").GetBoolean());
    }

    [Fact]
    public async Task EndpointBack_WithUnejectOff_Answers503_UntilItsEjectionEnds()
    {
        await using var a = await FlakyDownstream.StartAsync();
        await using var b = await FlakyDownstream.StartAsync();
        var (service, client) = await SetUpAsync(a, b, uneject: false, baseEjectionSeconds: 20);

        var (recovery, ejectionLeft, answers) = await DieBothThenReviveAsync(service, client, a, b);

        output.WriteLine($"un-ejection off: first 200 {recovery.TotalSeconds:F2} s after the endpoint's return; its ejection had {ejectionLeft.TotalSeconds:F1} s left");

        // Healthy again by its checks, and still not served: the ejection runs its course.
        Assert.True(ejectionLeft > RecoveryBound + TimeSpan.FromSeconds(2), $"the ejection outlasts the bound ({ejectionLeft.TotalSeconds:F1} s left)");
        Assert.True(recovery > RecoveryBound, $"served again after {recovery.TotalSeconds:F2} s: within the bound only un-ejection allows");
        Assert.True(recovery >= ejectionLeft, $"served after {recovery.TotalSeconds:F2} s, before the ejection's end at {ejectionLeft.TotalSeconds:F2} s");
        Assert.All(answers, s => Assert.Equal(503, s));
    }

    /// <summary>
    /// Both endpoints die at once and 30 requests open the circuit (minimumThroughput 10); then one comes back. Its
    /// first 200 comes within the same bound. With a break of 3 s the endpoint returns at once, still held
    /// healthy by its checks (only ejected): the break runs out within the bound, and the probe then, should it
    /// go to the dead endpoint the checks still hold healthy, is retried on the live one. With a break of 30 s
    /// the endpoint returns once its checks have taken it out: their passing again ends the break.
    /// </summary>
    [Theory]
    [InlineData(3, false)]
    [InlineData(30, true)]
    public async Task BothDie_TheCircuitOpens_OneBack_IsServedWithinTheSameBound(int breakSeconds, bool returnsOnceUnhealthy)
    {
        await using var a = await FlakyDownstream.StartAsync();
        await using var b = await FlakyDownstream.StartAsync();
        var (service, client) = await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = a.BaseUrl }, new { url = b.BaseUrl } },
            loadBalancing = "round-robin",
            healthCheck = new { path = "/health", intervalSeconds = IntervalSeconds, healthyThreshold = HealthyThreshold },
            circuitBreaker = new { minimumThroughput = 10, breakSeconds },
            panicThresholdPercent = 0,
        });
        Assert.Equal(200, (int)(await client.GetAsync($"/{service}/x")).StatusCode);

        await a.DieAsync();
        await b.DieAsync();
        var during = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await client.GetAsync($"/{service}/x");
            during.Add(await ProblemTypeAsync(response));
        }

        var circuit = (await gateway.ServiceAsync(service)).GetProperty("circuit").GetProperty("state").GetString();
        Assert.Equal("open", circuit);
        if (returnsOnceUnhealthy)
        {
            await Await.UntilAsync(
                async () => (await gateway.EndpointAsync(service, a.BaseUrl)).GetProperty("health").GetString() == "unhealthy",
                "the checks take A out",
                TimeSpan.FromSeconds(15));
            Assert.Equal("open", (await gateway.ServiceAsync(service)).GetProperty("circuit").GetProperty("state").GetString());
        }

        await a.ReviveAsync();
        var returned = Stopwatch.GetTimestamp();
        // Each change of what the client and the admin view see, with when it was first seen.
        var timeline = new List<(TimeSpan At, string Seen)>();
        await Await.UntilAsync(
            async () =>
            {
                using var response = await client.GetAsync($"/{service}/x");
                var view = await gateway.ServiceAsync(service);
                var endpoint = view.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("url").GetString() == a.BaseUrl);
                var seen = $"{await ProblemTypeAsync(response)}; circuit {view.GetProperty("circuit").GetProperty("state").GetString()}, A {endpoint.GetProperty("health")}, ejected {endpoint.GetProperty("ejected")}, routed {endpoint.GetProperty("routed")}";
                if (timeline.Count == 0 || timeline[^1].Seen != seen)
                {
                    timeline.Add((Stopwatch.GetElapsedTime(returned), seen));
                }

                return response.IsSuccessStatusCode;
            },
            "the service answers 200 again",
            TimeSpan.FromSeconds(60));
        var recovery = Stopwatch.GetElapsedTime(returned);

        output.WriteLine($"both dead, circuit {circuit} after 30 requests ({string.Join(", ", during.Distinct(StringComparer.Ordinal))}); break {breakSeconds} s, back {(returnsOnceUnhealthy ? "once its checks took it out" : "at once")}: first 200 after {recovery.TotalSeconds:F2} s (bound {RecoveryBound.TotalSeconds} s)");
        output.WriteLine(string.Join('\n', timeline.Select(t => $"{t.At.TotalSeconds:F2} s: {t.Seen}")));
        Assert.True(recovery <= RecoveryBound, $"served again after {recovery.TotalSeconds:F2} s, bound {RecoveryBound.TotalSeconds} s");
    }

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return "200";
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var type = body.RootElement.GetProperty("type").GetString() ?? string.Empty;
        return $"{(int)response.StatusCode} {type.Replace("urn:silo:problem:", string.Empty, StringComparison.Ordinal)}";
    }

    /// <summary>
    /// A is ejected by its failing calls (B takes them), then B dies too (never ejected: the cap keeps one); with
    /// panic off the service answers 503 <c>no-healthy-endpoint</c>. Then A comes back on its port: returns the
    /// time from its return to the first 200, how much of its ejection was left then (an upper bound, read just
    /// before), and every status answered meanwhile.
    /// </summary>
    private async Task<(TimeSpan Recovery, TimeSpan EjectionLeft, List<int> Answers)> DieBothThenReviveAsync(
        string service, HttpClient client, FlakyDownstream a, FlakyDownstream b)
    {
        Assert.Equal(200, (int)(await client.GetAsync($"/{service}/x")).StatusCode);
        await a.DieAsync();
        await Await.UntilAsync(
            async () =>
            {
                // Idempotent: a failed attempt on A is retried on B.
                Assert.Equal(200, (int)(await client.GetAsync($"/{service}/x")).StatusCode);
                return (await gateway.EndpointAsync(service, a.BaseUrl)).GetProperty("ejected").GetBoolean();
            },
            "A is ejected by its failing calls",
            TimeSpan.FromSeconds(10));

        await b.DieAsync();
        await Await.UntilAsync(
            async () =>
            {
                var response = await client.GetAsync($"/{service}/x");
                return (int)response.StatusCode == 503 && (await response.Content.ReadAsStringAsync()).Contains("no-healthy-endpoint", StringComparison.Ordinal);
            },
            "the service has no endpoint left",
            TimeSpan.FromSeconds(15));
        var status = await gateway.EndpointAsync(service, a.BaseUrl);
        Assert.Equal(("unhealthy", true), (status.GetProperty("health").GetString(), status.GetProperty("ejected").GetBoolean()));
        var read = Stopwatch.GetTimestamp();
        var ejectedFor = TimeSpan.FromSeconds(status.GetProperty("ejectedForSeconds").GetInt32());

        await a.ReviveAsync();
        var returned = Stopwatch.GetTimestamp();
        var answers = new List<int>();
        await Await.UntilAsync(
            async () =>
            {
                var code = (int)(await client.GetAsync($"/{service}/x")).StatusCode;
                if (code != 200)
                {
                    answers.Add(code);
                }

                return code == 200;
            },
            "the service answers 200 again",
            TimeSpan.FromSeconds(60));
        var recovery = Stopwatch.GetElapsedTime(returned);

        // ejectedForSeconds is rounded up: the ejection ended at most that long after it was read, and at least
        // a second less.
        var ejectionLeft = ejectedFor - TimeSpan.FromSeconds(1) - Stopwatch.GetElapsedTime(read, returned);
        return (recovery, ejectionLeft, answers);
    }

    private async Task<(string Service, HttpClient Client)> SetUpAsync(FlakyDownstream a, FlakyDownstream b, bool? uneject, int baseEjectionSeconds)
    {
        var outlierDetection = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["consecutiveFailures"] = 2,
            ["baseEjectionSeconds"] = baseEjectionSeconds,
        };
        if (uneject is { } value)
        {
            outlierDetection["unejectOnHealthyCheck"] = value;
        }

        // Three failed checks make an endpoint unhealthy, so A's failing calls (a few hundred milliseconds) eject
        // it before its checks take it out; timeoutSeconds is left to its default (the smaller of 2 and the interval).
        return await gateway.RegisterServiceWithKeyAsync(new
        {
            endpoints = new[] { new { url = a.BaseUrl }, new { url = b.BaseUrl } },
            loadBalancing = "round-robin",
            healthCheck = new { path = "/health", intervalSeconds = IntervalSeconds, healthyThreshold = HealthyThreshold, unhealthyThreshold = 3 },
            outlierDetection,
            circuitBreaker = ServiceRoutes.NoBreaker,
            panicThresholdPercent = 0,
        });
    }
}
