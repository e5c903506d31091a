using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Silo.Grains.Quotas;
using Silo.TestKit;
using StackExchange.Redis;

namespace Silo.Cluster.Tests;

/// <summary>
/// A cluster of real processes on loopback: a redis-server, silo processes (src/Silo) and front-end processes
/// (src/Api in cluster mode). Tests kill and stop them; disposing ends whatever is left.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    public const string AdminToken = "cluster-test-admin-token-0123";

    /// <summary>How long a front end admits from a slice at most: Admission:Leases:Duration, its default (the processes run with it).</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(1);

    private readonly string _clusterId = "ct" + Guid.NewGuid().ToString("N")[..8];

    private readonly string[] _siloArguments;

    private ProcessCluster(RedisServer redis, string[] siloArguments)
    {
        Redis = redis;
        _siloArguments = siloArguments;
    }

    /// <summary>Namespaces this cluster's Redis keys.</summary>
    public string ClusterId => _clusterId;

    public RedisServer Redis { get; }

    public List<SiloProcess> Silos { get; } = [];

    public List<FrontEndProcess> FrontEnds { get; } = [];

    public static Task<ProcessCluster> StartAsync(int silos, int frontEnds, params string[] siloArguments) =>
        StartAsync(silos, frontEnds, durableRedis: false, siloArguments);

    /// <param name="durableRedis">Redis keeps an append-only file, so a restart of it loses nothing (production's set-up).</param>
    public static async Task<ProcessCluster> StartAsync(int silos, int frontEnds, bool durableRedis, params string[] siloArguments)
    {
        var cluster = new ProcessCluster(await RedisServer.StartAsync(appendOnly: durableRedis), siloArguments);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.StartSiloAsync()));
            await Task.WhenAll(Enumerable.Range(0, frontEnds).Select(_ => cluster.StartFrontEndAsync()));
            await cluster.WaitForAgreementAsync(silos);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <param name="waitForJoin">Wait until the silo logs that it joined the cluster; without, return once it is started.</param>
    public async Task<SiloProcess> StartSiloAsync(bool waitForJoin = true)
    {
        var port = FreePort.Next();
        var httpPort = FreePort.Next();
        var dll = RepositoryPaths.BuiltAssembly("Silo", "Silo");
        var process = ChildProcess.Start(
            "dotnet",
            [dll, $"--Cluster:Redis={Redis.Configuration}", $"--Cluster:Id={_clusterId}", $"--Silo:Port={port}", $"--Silo:GatewayPort={FreePort.Next()}", $"--Urls=http://127.0.0.1:{httpPort}", .. _siloArguments],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        var silo = new SiloProcess(process, port, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) });
        lock (Silos)
        {
            Silos.Add(silo);
        }

        if (waitForJoin)
        {
            await process.WaitForLineAsync(line => line.Contains("joined the cluster", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        }

        return silo;
    }

    /// <param name="coHostSilo">The front end hosts a silo of its own and joins the cluster (<c>Cluster:CoHostSilo</c>).</param>
    public async Task<FrontEndProcess> StartFrontEndAsync(bool coHostSilo = false)
    {
        var port = FreePort.Next();
        var dll = RepositoryPaths.BuiltAssembly("Api", "Silo.Api");
        string[] silo = coHostSilo ? ["--Cluster:CoHostSilo=true", $"--Silo:Port={FreePort.Next()}", $"--Silo:GatewayPort={FreePort.Next()}"] : [];
        var process = ChildProcess.Start(
            "dotnet",
            [dll, $"--Cluster:Redis={Redis.Configuration}", $"--Cluster:Id={_clusterId}", $"--Urls=http://127.0.0.1:{port}", .. silo],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Admin__Token"] = AdminToken });
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var frontEnd = new FrontEndProcess(process, client);
        lock (FrontEnds)
        {
            FrontEnds.Add(frontEnd);
        }

        await Await.UntilAsync(
            async () =>
            {
                try
                {
                    return (await client.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException ex)
                {
                    return !process.HasExited ? false : throw new InvalidOperationException("Front end exited:\n" + process.Output, ex);
                }
            },
            "the front end is ready",
            TimeSpan.FromSeconds(60));
        return frontEnd;
    }

    /// <summary>
    /// Waits until every live silo and front end sees the same <paramref name="silos"/> active silos. A process
    /// that does not answer yet (a silo joins before its HTTP endpoint listens) counts as not agreeing yet.
    /// </summary>
    public Task WaitForAgreementAsync(int silos) =>
        Await.UntilAsync(
            async () =>
            {
                try
                {
                    return await AgreeAsync(silos);
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"all processes agree on {silos} active silos",
            TimeSpan.FromSeconds(30));

    private async Task<bool> AgreeAsync(int silos)
    {
        var views = new List<string>();
        foreach (var silo in Silos.Where(s => !s.Process.HasExited))
        {
            views.Add(string.Join(',', (await silo.StatusAsync()).GetProperty("activeSilos").EnumerateArray().Select(e => e.GetString())));
        }

        foreach (var frontEnd in FrontEnds)
        {
            var ready = JsonDocument.Parse(await frontEnd.Client.GetStringAsync("/health/ready")).RootElement;
            views.Add(string.Join(',', ready.GetProperty("activeSilos").EnumerateArray().Select(e => e.GetString())));
        }

        return views.Distinct(StringComparer.Ordinal).Count() == 1 && views[0].Split(',').Length == silos;
    }

    /// <summary>Creates a tenant and keys through the first front end; returns the full keys.</summary>
    public Task<string[]> CreateKeysAsync(string tenant, int count, long limit, int windowSeconds) =>
        CreateKeysAsync(tenant, count, [new { name = "limit", algorithm = "token-bucket", limit, windowSeconds }]);

    /// <summary>
    /// Creates a tenant (with <paramref name="tenantLimits"/>, if any) and <paramref name="count"/> keys that each
    /// have <paramref name="keyLimits"/>, through the first front end; returns the full keys.
    /// </summary>
    public async Task<string[]> CreateKeysAsync(string tenant, int count, object[] keyLimits, object[]? tenantLimits = null)
    {
        var admin = FrontEnds[0].Admin();
        var created = await admin.PostAsJsonAsync("/admin/tenants", new { id = tenant, name = tenant, limits = tenantLimits ?? [] });
        if ((int)created.StatusCode != 201)
        {
            throw new InvalidOperationException($"Creating tenant failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            var response = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/keys", new
            {
                name = "k" + i.ToString(CultureInfo.InvariantCulture),
                limits = keyLimits,
            });
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            keys[i] = body.GetProperty("key").GetString()!;
        }

        return keys;
    }

    /// <summary>Creates tenant <paramref name="tenant"/> with one key that has the one <paramref name="limit"/>; the full key and its id.</summary>
    public async Task<(string Key, string KeyId)> CreateTenantWithKeyAsync(string tenant, object limit)
    {
        var admin = FrontEnds[0].Admin();
        var tenantCreated = await admin.PostAsJsonAsync("/admin/tenants", new { id = tenant, name = tenant });
        var keyCreated = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/keys", new { name = "k", limits = new[] { limit } });
        if ((int)tenantCreated.StatusCode != 201 || (int)keyCreated.StatusCode != 201)
        {
            throw new InvalidOperationException($"Creating tenant {tenant} and its key failed: {(int)tenantCreated.StatusCode}, {(int)keyCreated.StatusCode} {await keyCreated.Content.ReadAsStringAsync()}");
        }

        var body = JsonDocument.Parse(await keyCreated.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("key").GetString()!, body.GetProperty("id").GetString()!);
    }

    /// <summary>The silo that holds the activation of key <paramref name="keyId"/> now.</summary>
    public async Task<SiloProcess> OwnerOfKeyAsync(string keyId)
    {
        var live = Silos.First(s => !s.Process.HasExited);
        var owner = JsonDocument.Parse(await live.Client.GetStringAsync($"/silo/owner/apikey/{keyId}")).RootElement;
        var address = owner.GetProperty("owner").GetString() ?? throw new InvalidOperationException($"key {keyId} is not active anywhere");
        return Silos.Single(s => address.Contains($":{s.Port}@", StringComparison.Ordinal));
    }

    /// <summary>
    /// The count the first window of key <paramref name="keyId"/> holds in Redis (its last checkpoint): Orleans'
    /// Redis storage keeps each state in a hash <c>{ServiceId}/state/{grainId}/{stateName}</c>, the state in
    /// Orleans' binary format in its <c>data</c> field.
    /// </summary>
    public async Task<long> StoredCountAsync(string keyId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var data = await redis.GetDatabase().HashGetAsync($"{ClusterId}/state/apikey/{keyId}/usage", "data");
        if (data.IsNullOrEmpty)
        {
            return 0;
        }

        var state = StateSerializer.Deserialize<QuotaUsageState>((byte[])data!)!;
        return state.Windows.Count == 0 ? 0 : state.Windows[0].Current;
    }

    private static readonly Serializer StateSerializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(QuotaUsageState).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    public async ValueTask DisposeAsync()
    {
        // End every process even if ending one fails: a leftover silo would outlive the test run.
        var failures = new List<Exception>();
        foreach (var process in FrontEnds.Cast<IAsyncDisposable>().Concat(Silos).Append(Redis))
        {
            try
            {
                await process.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                failures.Add(ex);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Some test processes could not be ended.", failures);
        }
    }
}

public sealed class SiloProcess(ChildProcess process, int port, HttpClient client) : IAsyncDisposable
{
    public ChildProcess Process { get; } = process;

    public int Port { get; } = port;

    public HttpClient Client { get; } = client;

    public async Task<JsonElement> StatusAsync() => JsonDocument.Parse(await Client.GetStringAsync("/silo/status")).RootElement;

    /// <summary>
    /// Waits until <c>/health/ready</c> answers 200 <c>"ready"</c> (the silo is Active in the membership), as a
    /// Kubernetes readiness probe would; fails at once if the process exits.
    /// </summary>
    public Task WaitUntilReadyAsync(TimeSpan timeout) =>
        Await.UntilAsync(
            async () =>
            {
                if (Process.HasExited)
                {
                    throw new InvalidOperationException($"The silo exited ({Process.ExitCode}) before it was ready:\n{Process.Output}");
                }

                try
                {
                    using var response = await Client.GetAsync("/health/ready");
                    return response.IsSuccessStatusCode &&
                           JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString() == "ready";
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the silo is ready",
            timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
    }
}

public sealed class FrontEndProcess(ChildProcess process, HttpClient client) : IAsyncDisposable
{
    public ChildProcess Process { get; } = process;

    public HttpClient Client { get; } = client;

    public HttpClient Admin()
    {
        var admin = new HttpClient { BaseAddress = Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ProcessCluster.AdminToken);
        return admin;
    }

    /// <summary>POST /v1/check with a key; the status code.</summary>
    public async Task<int> CheckAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check");
        request.Headers.Add("X-Api-Key", key);
        using var response = await Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>
    /// The sum of the series of counter <paramref name="metric"/> (its Prometheus name) whose labels include
    /// <paramref name="label"/> (e.g. <c>result="admitted"</c>), from the front end's /metrics.
    /// </summary>
    public async Task<double> CounterAsync(string metric, string label)
    {
        var text = await Client.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Admissions the front end decided from a lease.</summary>
    public Task<double> LocalAdmissionsAsync() => CounterAsync("silo_gateway_admission_local_total", "result=\"admitted\"");

    /// <summary>Units leased to the front end.</summary>
    public Task<double> LeaseUnitsGrantedAsync() => CounterAsync("silo_gateway_leases_tokens_total", "event=\"granted\"");

    /// <summary>Units of leases the front end gave back unused (credited by the grain, or dropped when the stamp's activation is gone).</summary>
    public Task<double> LeaseUnitsReturnedAsync() => CounterAsync("silo_gateway_leases_tokens_total", "event=\"returned\"");

    /// <summary>Units given back unused that did not reach their key's grain, so they count as spent.</summary>
    public Task<double> LeaseUnitsLostAsync() => CounterAsync("silo_gateway_leases_tokens_total", "event=\"lost\"");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
    }
}
