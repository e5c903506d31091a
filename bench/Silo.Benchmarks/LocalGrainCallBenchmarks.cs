using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Silo.Benchmarks;

/// <summary>
/// A local Orleans grain call (one silo in this process: scheduled through the activation, arguments deep-copied
/// unless immutable, no network) beside a direct call of the same method on a plain object. The difference is
/// Orleans' per-call overhead, in time and in bytes allocated.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LocalGrainCallBenchmarks
{
    private IHost? _host;
    private ICounterBenchGrain _grain = null!;
    private PlainCounter _plain = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0));
        _host = builder.Build();
        _host.Start();
        _grain = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterBenchGrain>("bench");
        _grain.AddAsync(0).GetAwaiter().GetResult();
        _plain = new PlainCounter();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host?.StopAsync().GetAwaiter().GetResult();
        _host?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "direct call, Task<int>")]
    public async Task<int> DirectTask() => await _plain.AddAsync(1);

    [Benchmark(Description = "grain call, Task<int>")]
    public async Task<int> GrainTask() => await _grain.AddAsync(1);

    [Benchmark(Description = "direct call, ValueTask<int>")]
    public async Task<int> DirectValueTask() => await _plain.AddFastAsync(1);

    [Benchmark(Description = "grain call, ValueTask<int>")]
    public async Task<int> GrainValueTask() => await _grain.AddFastAsync(1);

    [Benchmark(Description = "grain call incl. GetGrain")]
    public async Task<int> GetGrainAndCall() =>
        await _host!.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterBenchGrain>("bench").AddFastAsync(1);
}
