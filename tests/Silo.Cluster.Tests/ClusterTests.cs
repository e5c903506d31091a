using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Silo.Cluster.Tests;

/// <summary>Real silo and front-end processes over a real redis-server; silos are killed and stopped.</summary>
[Trait("Category", "Cluster")]
public sealed class ClusterTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Grains_SpreadOverThreeSilos_AndEveryProcessAgreesOnOwners()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, frontEnds: 1);
        var keys = await cluster.CreateKeysAsync("spread", 30, limit: 1000, windowSeconds: 60);

        foreach (var key in keys)
        {
            Assert.Equal(200, await cluster.FrontEnds[0].CheckAsync(key));
        }

        var statuses = await Task.WhenAll(cluster.Silos.Select(s => s.StatusAsync()));
        Assert.All(statuses, s => Assert.True(s.GetProperty("activations").GetInt32() > 0, $"{s.GetProperty("silo")} holds no grain"));
        Assert.Single(statuses.Select(s => s.GetProperty("membershipVersion").GetInt64()).Distinct());
        foreach (var key in keys.Take(10))
        {
            var keyId = key.Substring(3, 12);
            var owners = await Task.WhenAll(cluster.Silos.Select(async s =>
                JsonDocument.Parse(await s.Client.GetStringAsync($"/silo/owner/apikey/{keyId}")).RootElement.GetProperty("owner").GetString()));
            Assert.Single(owners.Distinct(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task KillNine_UnderLoad_FailsFast_AndEveryKeyIsServedAgainWithinTenSeconds()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, frontEnds: 1);
        var keys = await cluster.CreateKeysAsync("crash", 30, limit: 1_000_000, windowSeconds: 60);
        var frontEnd = cluster.FrontEnds[0];
        foreach (var key in keys)
        {
            Assert.Equal(200, await frontEnd.CheckAsync(key));
        }

        var load = SteadyLoad.Start(frontEnd, keys);

        var victim = cluster.Silos[1];
        var killedAt = Stopwatch.StartNew();
        await victim.Process.KillAsync();

        // Every key answers 200 again (the victim's keys from their new owners, state read back from Redis).
        await Silo.TestKit.Await.UntilAsync(
            async () =>
            {
                foreach (var key in keys)
                {
                    if (await frontEnd.CheckAsync(key) != 200)
                    {
                        return false;
                    }
                }

                return true;
            },
            "every key is served again",
            TimeSpan.FromSeconds(30));
        var recovered = killedAt.Elapsed;
        await load.StopAsync();
        var statuses = load.Results;
        output.WriteLine($"kill -9: every key served again after {recovered.TotalSeconds:F1} s; {statuses.Count(s => s.Status != 200)} of {statuses.Count} calls failed (all 503), slowest {statuses.Max(s => s.Took).TotalMilliseconds:F0} ms");

        Assert.True(recovered < TimeSpan.FromSeconds(10), $"keys were served again after {recovered.TotalSeconds:F1} s");
        Assert.All(statuses.Where(s => s.Status != 200), s => Assert.Equal(503, s.Status));
        Assert.All(statuses, s => Assert.True(s.Took < TimeSpan.FromSeconds(6), $"a call took {s.Took.TotalSeconds:F1} s"));
    }

    [Fact]
    public async Task Sigterm_UnderLoad_FailsNoRequest()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, frontEnds: 1);
        var keys = await cluster.CreateKeysAsync("graceful", 30, limit: 1_000_000, windowSeconds: 60);
        var frontEnd = cluster.FrontEnds[0];
        var load = SteadyLoad.Start(frontEnd, keys);
        await load.RunsOnAsync(100, "load is running");

        var victim = cluster.Silos[1];
        victim.Process.Terminate();
        Assert.Equal(0, await victim.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await cluster.WaitForAgreementAsync(silos: 2);
        await load.RunsOnAsync(100, "load continues after the silo left");
        await load.StopAsync();

        var statuses = load.Results;
        var failures = statuses.Where(s => s.Status != 200).ToArray();
        output.WriteLine($"SIGTERM: {failures.Length} of {statuses.Count} requests failed");
        if (failures.Length > 0)
        {
            output.WriteLine("front end's log:\n" + frontEnd.Process.Output);
        }

        Assert.True(failures.Length == 0, $"{failures.Length} of {statuses.Count} requests failed: {string.Join(", ", failures.Select(f => f.Status).Distinct())}");
        Assert.Contains("left the cluster", victim.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreeFrontEnds_AdmitExactlyTheLimit()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, frontEnds: 3);
        var key = (await cluster.CreateKeysAsync("exact", 1, limit: 50, windowSeconds: 3600))[0];

        var results = await Task.WhenAll(Enumerable.Range(0, 150).Select(i => cluster.FrontEnds[i % 3].CheckAsync(key)));

        // Which front end answered what: an under-admission names where the units were left.
        for (var f = 0; f < 3; f++)
        {
            var answered = results.Where((_, i) => i % 3 == f).GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()} x {g.Key}");
            output.WriteLine($"front end {f}: {string.Join(", ", answered)}");
        }

        if (results.Count(s => s == 200) != 50)
        {
            output.WriteLine(string.Join("\n\n", cluster.FrontEnds.Select((fe, i) => $"front end {i}'s log:\n{fe.Process.Output}")));
        }

        Assert.Equal(50, results.Count(s => s == 200));
        Assert.Equal(100, results.Count(s => s == 429));
    }

    [Fact]
    public async Task CoHostedFrontEnds_JoinAsSilos_AndAdmitExactlyTheLimit()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, frontEnds: 0);
        await Task.WhenAll(cluster.StartFrontEndAsync(coHostSilo: true), cluster.StartFrontEndAsync(coHostSilo: true));
        await cluster.WaitForAgreementAsync(silos: 3);
        var key = (await cluster.CreateKeysAsync("cohosted", 1, limit: 40, windowSeconds: 3600))[0];

        var results = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => cluster.FrontEnds[i % 2].CheckAsync(key)));

        Assert.Equal(40, results.Count(s => s == 200));
        Assert.Equal(80, results.Count(s => s == 429));
    }

    [Fact]
    public async Task SiloJoiningUnderLoad_LosesNoUpdate()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, frontEnds: 1);
        var admin = cluster.FrontEnds[0].Admin();
        Assert.Equal(201, (int)(await admin.PostAsJsonAsync("/admin/tenants", new { id = "joining", name = "joining" })).StatusCode);
        var acknowledged = new ConcurrentBag<string>();
        var unexpected = new ConcurrentBag<string>();

        async Task CreateKeysAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var response = await admin.PostAsJsonAsync("/admin/tenants/joining/keys", new { name = "k" });
                if ((int)response.StatusCode == 201)
                {
                    acknowledged.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
                }
                else if ((int)response.StatusCode != 503)
                {
                    unexpected.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        var writers = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CreateKeysAsync(25)));
        await cluster.StartSiloAsync();
        await writers;
        await cluster.WaitForAgreementAsync(silos: 3);

        var tenant = JsonDocument.Parse(await admin.GetStringAsync("/admin/tenants/joining")).RootElement;
        var stored = tenant.GetProperty("keyIds").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
        output.WriteLine($"join: {acknowledged.Count} of 100 key creations acknowledged, {stored.Count} stored");
        Assert.Empty(unexpected);
        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} keys were created");
        var lost = acknowledged.Where(id => !stored.Contains(id)).ToArray();
        Assert.True(lost.Length == 0, $"{lost.Length} acknowledged keys missing from the tenant: {string.Join(", ", lost)}");
    }
}
