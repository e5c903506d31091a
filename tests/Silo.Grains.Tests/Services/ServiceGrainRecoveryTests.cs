using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Silo.Grains.CircuitBreaking;
using Silo.Grains.Health;
using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Grains.Tests.Infrastructure;
using Silo.Grains.Tests.Services.Legacy;
using Silo.TestKit;

namespace Silo.Grains.Tests.Services;

/// <summary>
/// How a service comes back, on an in-process silo with fake time: a passing health check ends an ejection
/// (and, turned off, does not), panic routing, and services stored before these settings existed.
/// </summary>
public sealed class ServiceGrainRecoveryTests
{
    private const string A = "http://10.0.0.1:8080";
    private const string B = "http://10.0.0.2:8080";
    private const string C = "http://10.0.0.3:8080";
    private const string D = "http://10.0.0.4:8080";
    private const int Interval = 5;

    [Fact]
    public async Task PassingHealthCheck_UnejectsAHealthyEndpoint_AtTheNextRound_NotAfterItsEjectionTime()
    {
        var prober = new ScriptedProber();
        await using var silo = await StartAsync(prober);
        var service = await CreateAsync(silo, Definition([new(A), new(B)], uneject: null));
        await RoundAsync(silo, service, TimeSpan.Zero, expectedRounds: 1);

        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 0, 2, 2)])).Bounded();
        Assert.Equal([B], await RoutedAsync(service));
        Assert.Equal(30, (await StatusAsync(service, A)).EjectedForSeconds);

        // Its checks never failed: the next passing round ends the ejection, 25 s before its time.
        await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 2);

        Assert.Equal([A, B], await RoutedAsync(service));
        var a = await StatusAsync(service, A);
        Assert.False(a.Ejected);
        Assert.Equal(1, a.Ejections);
    }

    [Fact]
    public async Task PassingHealthChecks_WithUnejectOff_LeaveTheEndpointEjected_ForItsWholeEjectionTime()
    {
        var prober = new ScriptedProber();
        await using var silo = await StartAsync(prober);
        var service = await CreateAsync(silo, Definition([new(A), new(B)], uneject: false));
        await RoundAsync(silo, service, TimeSpan.Zero, expectedRounds: 1);
        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 0, 2, 2)])).Bounded();

        for (var round = 2; round <= 6; round++)
        {
            await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: round);
            Assert.Equal([B], await RoutedAsync(service));
        }

        var a = await StatusAsync(service, A);
        Assert.Equal((EndpointHealth.Healthy, true, 5), (a.Health, a.Ejected, a.EjectedForSeconds));
        silo.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([A, B], await RoutedAsync(service));
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 4)]
    public async Task EveryEndpointDown_OneComesBack_RoutedAfterHealthyThresholdRounds_OrAfterItsEjectionWithUnejectOff(bool uneject, int roundsUntilRouted)
    {
        // The case: A is ejected by its failing calls, then B dies too (never ejected: the cap keeps one),
        // and with panic off the service has nowhere to send requests. Then A comes back.
        var prober = new ScriptedProber();
        await using var silo = await StartAsync(prober);
        var service = await CreateAsync(silo, Definition([new(A), new(B)], uneject) with { PanicThresholdPercent = 0 });
        await RoundAsync(silo, service, TimeSpan.Zero, expectedRounds: 1);
        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 0, 2, 2)])).Bounded();
        prober.Fail(A + "/health");
        prober.Fail(B + "/health");
        await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 2);
        await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 3);
        Assert.Empty(await RoutedAsync(service));
        Assert.Equal((EndpointHealth.Unhealthy, true, 20), await StandingAsync(service, A));

        // A is back at t = 10 s. Its first passing check (t = 15 s) is one short of healthyThreshold 2: it stays
        // unhealthy and, like Envoy, ejected. The second (t = 20 s) makes it healthy and, with uneject, ends the
        // ejection 10 s early; without, it waits for t = 30 s.
        prober.Pass(A + "/health");
        var rounds = 0;
        while (!(await RoutedAsync(service)).Contains(A))
        {
            Assert.True(++rounds <= 4, "A is routed within four rounds");
            await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 3 + rounds);
            if (rounds == 1)
            {
                Assert.Equal((EndpointHealth.Unhealthy, true, 15), await StandingAsync(service, A));
            }
        }

        Assert.Equal(roundsUntilRouted, rounds);
        Assert.Equal([A], await RoutedAsync(service));
        Assert.Equal((EndpointHealth.Healthy, false, 0), await StandingAsync(service, A));
    }

    [Fact]
    public async Task Panic_FewerAvailableThanTheThreshold_RoutesToEveryEndpointNotDraining_UntilEnoughAreBack()
    {
        var prober = new ScriptedProber();
        await using var silo = await StartAsync(prober);
        var definition = Definition([new(A), new(B), new(C), new(D, Drain: true)], uneject: null) with
        {
            HealthCheck = new HealthCheckDefinition("/health", Interval, 1, HealthyThreshold: 1, UnhealthyThreshold: 1),
        };
        Assert.Null(definition.PanicThresholdPercent); // the default threshold, 50 %
        var service = await CreateAsync(silo, definition);
        await RoundAsync(silo, service, TimeSpan.Zero, expectedRounds: 1);
        var before = (await service.GetSnapshotAsync().Bounded())!;
        Assert.False(before.Panic);

        // One of the three endpoints not draining is available: 33 % < 50 %.
        prober.Fail(A + "/health");
        prober.Fail(B + "/health");
        await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 2);

        var panic = (await service.GetSnapshotAsync().Bounded())!;
        Assert.True(panic.Panic);
        Assert.True(panic.Version > before.Version);
        Assert.Equal([new RoutedEndpoint(A, 1, PanicOnly: true), new RoutedEndpoint(B, 1, PanicOnly: true), new RoutedEndpoint(C, 1)], panic.Endpoints);
        var info = (await service.GetAsync().Bounded())!;
        Assert.True(info.Panic);
        Assert.Equal(
            [(A, false, true), (B, false, true), (C, true, true), (D, false, false)],
            info.EndpointStatus.Select(e => (e.Url, e.Available, e.Routed)));

        // Two of three: out of panic, only the available ones again.
        prober.Pass(B + "/health");
        await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 3);

        var after = (await service.GetSnapshotAsync().Bounded())!;
        Assert.False(after.Panic);
        Assert.Equal([B, C], after.Endpoints.Select(e => e.Url));
        Assert.False((await service.GetAsync().Bounded())!.Panic);
    }

    [Fact]
    public async Task Panic_AndAnOpenCircuit_ArePublishedTogether_TheCircuitIsNotLifted()
    {
        var prober = new ScriptedProber();
        await using var silo = await StartAsync(prober);
        var definition = Definition([new(A), new(B)], uneject: null) with
        {
            CircuitBreaker = new CircuitBreakerDefinition(FailureRatio: 0.5, MinimumThroughput: 4, BreakSeconds: 5),
            OutlierDetection = new OutlierDetectionDefinition(MaxEjectionPercent: 0),
            HealthCheck = new HealthCheckDefinition("/health", Interval, 1, HealthyThreshold: 1, UnhealthyThreshold: 1),
        };
        var service = await CreateAsync(silo, definition);
        await RoundAsync(silo, service, TimeSpan.Zero, expectedRounds: 1);
        prober.Fail(A + "/health");
        prober.Fail(B + "/health");
        await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 2);

        // Panic routes to both; their calls fail; the breaker opens as it would without panic.
        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 0, 2, 2), new EndpointReport(B, 0, 2, 2)])).Bounded();

        var snapshot = (await service.GetSnapshotAsync().Bounded())!;
        Assert.True(snapshot.Panic);
        Assert.Equal(CircuitState.Open, snapshot.Circuit);
        Assert.False((await service.TryAcquireProbeAsync().Bounded()).Granted);
    }

    [Fact]
    public async Task ServiceStoredBeforeTheseSettings_ReadsBack_WithUnejectOnAndAPanicThresholdOf50()
    {
        var prober = new ScriptedProber();
        await using var silo = await StartAsync(prober);
        var serializer = silo.Cluster.Silos[0].ServiceProvider.GetRequiredService<Serializer>();
        var legacy = new LegacyServiceState
        {
            Definition = new LegacyServiceDefinition(
                "legacy", [new(A), new(B), new(C)], LoadBalancingPolicy.RoundRobin, 10,
                new HealthCheckDefinition("/health", Interval, 1, HealthyThreshold: 1, UnhealthyThreshold: 1), null,
                new LegacyOutlierDetectionDefinition(ConsecutiveFailures: 2, BaseEjectionSeconds: 30, MaxEjectionSeconds: 300, MaxEjectionPercent: 50),
                DownstreamHttpVersion.Http2),
            Version = 1,
            CreatedAt = silo.Time.GetUtcNow(),
        };
        var stored = serializer.SerializeToArray(legacy);

        var read = serializer.Deserialize<ServiceState>(stored)!.Definition!;
        var outliers = read.OutlierDetection!;
        Assert.Equal(("legacy", 3, 30, DownstreamHttpVersion.Http2), (read.Id, read.Endpoints.Count, outliers.BaseEjectionSeconds, read.HttpVersion));
        Assert.Null(read.PanicThresholdPercent);
        Assert.Null(outliers.UnejectOnHealthyCheck);

        // The grain activated from that state runs with the defaults: a passing check un-ejects ...
        var service = silo.Grains.GetGrain<IServiceGrain>("legacy");
        silo.Storage.Put("service", service.GetGrainId(), stored);
        await RoundAsync(silo, service, TimeSpan.Zero, expectedRounds: 1);
        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 0, 2, 2)])).Bounded();
        Assert.Equal([B, C], await RoutedAsync(service));
        await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 2);
        Assert.Equal([A, B, C], await RoutedAsync(service));

        // ... and one available endpoint of three (33 %) is below the 50 % threshold.
        prober.Fail(A + "/health");
        prober.Fail(B + "/health");
        await RoundAsync(silo, service, TimeSpan.FromSeconds(Interval), expectedRounds: 3);
        Assert.True((await service.GetSnapshotAsync().Bounded())!.Panic);
    }

    private static ServiceDefinition Definition(IReadOnlyList<EndpointDefinition> endpoints, bool? uneject) => new(
        "orders", endpoints, LoadBalancingPolicy.RoundRobin, 10,
        new HealthCheckDefinition("/health", Interval, 1, HealthyThreshold: 2, UnhealthyThreshold: 2), null,
        new OutlierDetectionDefinition(ConsecutiveFailures: 2, BaseEjectionSeconds: 30, UnejectOnHealthyCheck: uneject));

    private static async Task RoundAsync(GatewayCluster silo, IServiceGrain service, TimeSpan advance, long expectedRounds)
    {
        silo.Time.Advance(advance);
        await Await.UntilAsync(async () => (await service.GetAsync())!.HealthCheckRounds >= expectedRounds, $"round {expectedRounds} of health checks was applied");
    }

    private static async Task<string[]> RoutedAsync(IServiceGrain service) =>
        [.. (await service.GetSnapshotAsync().Bounded())!.Endpoints.Select(e => e.Url)];

    private static async Task<EndpointStatus> StatusAsync(IServiceGrain service, string url) =>
        (await service.GetAsync().Bounded())!.EndpointStatus.Single(e => e.Url == url);

    private static async Task<(EndpointHealth Health, bool Ejected, int EjectedForSeconds)> StandingAsync(IServiceGrain service, string url)
    {
        var status = await StatusAsync(service, url);
        return (status.Health, status.Ejected, status.EjectedForSeconds);
    }

    private static async Task<IServiceGrain> CreateAsync(GatewayCluster silo, ServiceDefinition definition)
    {
        var service = silo.Grains.GetGrain<IServiceGrain>(definition.Id);
        Assert.True(await service.CreateAsync(definition).Bounded());
        return service;
    }

    private static Task<GatewayCluster> StartAsync(ScriptedProber prober) =>
        GatewayCluster.StartAsync(services: services => services.AddSingleton<IHealthProber>(prober));
}
