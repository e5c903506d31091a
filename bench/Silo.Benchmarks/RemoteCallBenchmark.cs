using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Silo.Runtime;
using Silo.Runtime.Cluster;
using Silo.Runtime.Hosting;
using Silo.Runtime.Membership;

namespace Silo.Benchmarks;

/// <summary>
/// Grain calls between two silo processes on loopback, beside local calls in the same run: this process
/// is silo A; it starts redis-server and silo B (a child process), then drives 64 concurrent callers at
/// grains owned by A (local) and by B (remote) for a fixed time each, and prints calls/s, p50 and p99.
/// </summary>
internal static class RemoteCallBenchmark
{
    private const int Callers = 64;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var redisPort = FreePort();
        using var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var clusterId = "bench" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var redisConfig = $"127.0.0.1:{redisPort}";
        await WaitForPortAsync(redisPort);
        using var child = Process.Start(new ProcessStartInfo("dotnet", [typeof(RemoteCallBenchmark).Assembly.Location, "silo-child", redisConfig, clusterId, FreePort().ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            using var host = await StartSiloAsync(redisConfig, clusterId, FreePort());
            var membership = host.Services.GetRequiredService<ClusterMembershipService>();
            var self = host.Services.GetRequiredService<SiloIdentity>().Address;
            for (var i = 0; membership.Placement.Silos.Count < 2; i++)
            {
                if (i > 300)
                {
                    throw new TimeoutException("The second silo did not join.");
                }

                await Task.Delay(100);
                await membership.RefreshAsync();
            }

            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var local = PickKeys(membership, self, owned: true);
            var remote = PickKeys(membership, self, owned: false);
            Console.WriteLine($"Grain calls, {seconds} s each, 2 silo processes on loopback");
            Console.WriteLine($"{"",-22} {"calls/s",10} {"p50 (us)",10} {"p99 (us)",10}");
            var localResult = await MeasureAsync(grains, local, seconds);
            Print($"local, {Callers} callers", localResult);
            var remoteResult = await MeasureAsync(grains, remote, seconds);
            Print($"remote, {Callers} callers", remoteResult);
            var localSingle = await MeasureAsync(grains, local[..1], seconds);
            Print("local, 1 caller", localSingle);
            var remoteSingle = await MeasureAsync(grains, remote[..1], seconds);
            Print("remote, 1 caller", remoteSingle);
            Console.WriteLine($"remote/local throughput with {Callers} callers: {remoteResult.CallsPerSecond / localResult.CallsPerSecond:F2}");
            Console.WriteLine("targets: remote round trip p50 <= 150 us; >= 50,000 remote calls/s with 64 callers");
            var table = membership.Snapshot.Entries.Select(e => $"{e.Silo}={e.Status}");
            Console.WriteLine("membership at the end: " + string.Join(", ", table));
            await host.StopAsync();
            return 0;
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            redis.Kill();
        }
    }

    public static async Task<int> RunChildSiloAsync(string[] args)
    {
        using var host = await StartSiloAsync(args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static async Task<IHost> StartSiloAsync(string redis, string clusterId, int port)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var address = new SiloAddress("127.0.0.1", port, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        builder.AddSiloRuntime(silo => silo
            .AddGrain<ICounterBenchGrain, CounterBenchGrain>()
            .UseRedisCluster(new ClusterOptions { Id = clusterId, Redis = redis }, address));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static string[] PickKeys(ClusterMembershipService membership, SiloAddress self, bool owned) =>
        Enumerable.Range(0, 100_000)
            .Select(i => "g" + i.ToString(CultureInfo.InvariantCulture))
            .Where(k => (membership.Placement.Owner(new GrainId("counterbench", k)) == self) == owned)
            .Take(Callers)
            .ToArray();

    private static async Task<Result> MeasureAsync(IGrainFactory grains, string[] keys, int seconds)
    {
        var references = keys.Select(k => grains.GetGrain<ICounterBenchGrain>(k)).ToArray();
        await RunCallersAsync(references, TimeSpan.FromSeconds(2), record: null);
        var latencies = new List<long>[references.Length];
        for (var i = 0; i < latencies.Length; i++)
        {
            latencies[i] = new List<long>(1 << 16);
        }

        var elapsed = await RunCallersAsync(references, TimeSpan.FromSeconds(seconds), latencies);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        return new Result(all.Length / elapsed.TotalSeconds, Micros(all[all.Length / 2]), Micros(all[(int)(all.Length * 0.99)]));
    }

    private static async Task<TimeSpan> RunCallersAsync(ICounterBenchGrain[] references, TimeSpan duration, List<long>[]? record)
    {
        var total = Stopwatch.StartNew();
        await Task.WhenAll(references.Select((grain, caller) => Task.Run(async () =>
        {
            for (var i = 1; total.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await grain.AddFastAsync(1);
                record?[caller].Add(Stopwatch.GetTimestamp() - started);

                // Local calls complete synchronously; without a yield now and then, 64 spinning callers
                // would starve the thread pool, and with it the silo's own failure-detection probes.
                if ((i & 255) == 0)
                {
                    await Task.Yield();
                }
            }
        })));
        return total.Elapsed;
    }

    private static void Print(string name, Result r) =>
        Console.WriteLine($"{name,-22} {r.CallsPerSecond,10:F0} {r.P50,10:F1} {r.P99,10:F1}");

    private static async Task WaitForPortAsync(int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Result(double CallsPerSecond, double P50, double P99);
}
