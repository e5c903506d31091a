using Microsoft.Extensions.DependencyInjection;
using Silo.Grains.CircuitBreaking;
using Silo.Grains.Health;
using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Services;

/// <summary>The service grain on an in-process silo with fake time: snapshots, ejection, breaker, probes, health checks.</summary>
public sealed class ServiceGrainTests
{
    private const string A = "http://10.0.0.1:8080";
    private const string B = "http://10.0.0.2:8080";
    private const string C = "http://10.0.0.3:8080";

    [Fact]
    public async Task Snapshot_ListsEnabledEndpoints_AndChangesVersionOnlyOnChange()
    {
        await using var silo = await StartAsync();
        var service = await CreateAsync(silo, Definition([new(A), new(B, Weight: 3)]));

        var first = (await service.GetSnapshotAsync().Bounded())!;
        Assert.Equal([new RoutedEndpoint(A, 1), new RoutedEndpoint(B, 3)], first.Endpoints);
        Assert.Equal(LoadBalancingPolicy.PowerOfTwoChoices, first.LoadBalancing);
        Assert.Null(await service.GetSnapshotIfChangedAsync(new SnapshotStamp(first.Epoch, first.Version)).Bounded());

        Assert.True(await service.SetEndpointsAsync([new(A, Drain: true), new(B, Weight: 3), new(C)]).Bounded());

        var second = (await service.GetSnapshotIfChangedAsync(new SnapshotStamp(first.Epoch, first.Version)).Bounded())!;
        Assert.True(second.Version > first.Version);
        Assert.Equal([B, C], second.Endpoints.Select(e => e.Url));
    }

    [Fact]
    public async Task ConsecutiveFailures_EjectAnEndpoint_UntilTheEjectionTimeEnds()
    {
        await using var silo = await StartAsync();
        var service = await CreateAsync(silo, Definition([new(A), new(B)]) with { OutlierDetection = new OutlierDetectionDefinition(ConsecutiveFailures: 3, BaseEjectionSeconds: 10) });

        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 0, 3, 3), new EndpointReport(B, 10, 0, 0)])).Bounded();

        var snapshot = (await service.GetSnapshotAsync().Bounded())!;
        Assert.Equal([B], snapshot.Endpoints.Select(e => e.Url));
        var info = (await service.GetAsync().Bounded())!;
        var a = info.EndpointStatus.Single(e => e.Url == A);
        Assert.True(a.Ejected);
        Assert.False(a.Available);
        Assert.Equal(10, a.EjectedForSeconds);

        silo.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([A, B], (await service.GetSnapshotAsync().Bounded())!.Endpoints.Select(e => e.Url));
    }

    [Fact]
    public async Task Breaker_OpensOnFailureRatio_RefusesWithRetryAfter_ThenOneProbeCloses()
    {
        await using var silo = await StartAsync();
        var service = await CreateAsync(silo, Definition([new(A), new(B)]) with { CircuitBreaker = new CircuitBreakerDefinition(FailureRatio: 0.5, MinimumThroughput: 10, BreakSeconds: 5) });

        // Failures spread over both endpoints (no single endpoint is an outlier to eject first).
        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 2, 3, 1), new EndpointReport(B, 2, 3, 1)])).Bounded();

        var open = (await service.GetSnapshotAsync().Bounded())!;
        Assert.Equal(CircuitState.Open, open.Circuit);
        Assert.Equal(5000, open.CircuitRetryAfterMilliseconds);
        Assert.False((await service.TryAcquireProbeAsync().Bounded()).Granted);

        silo.Time.Advance(TimeSpan.FromSeconds(5));
        var probe = await service.TryAcquireProbeAsync().Bounded();
        var second = await service.TryAcquireProbeAsync().Bounded();
        Assert.True(probe.Granted);
        Assert.False(second.Granted);
        Assert.True(second.RetryAfterMilliseconds > 0);

        var closedAt = await service.ReportProbeAsync(probe.Token, success: true).Bounded();
        var closed = (await service.GetSnapshotAsync().Bounded())!;
        Assert.Equal(CircuitState.Closed, closed.Circuit);

        // A front end whose snapshot still shows the break over asks for a probe: none is needed, it is told so
        // (not refused), with the snapshot to fetch.
        var late = await service.TryAcquireProbeAsync().Bounded();
        Assert.False(late.Granted);
        Assert.True(late.Closed);
        Assert.Equal(closedAt, late.Stamp);
        Assert.Equal(new SnapshotStamp(closed.Epoch, closed.Version), late.Stamp);
    }

    [Fact]
    public async Task Breaker_BadProbe_ReopensForAnotherBreak()
    {
        await using var silo = await StartAsync();
        var service = await CreateAsync(silo, Definition([new(A)]) with { CircuitBreaker = new CircuitBreakerDefinition(MinimumThroughput: 4, BreakSeconds: 5) });
        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 0, 4, 4)])).Bounded();
        silo.Time.Advance(TimeSpan.FromSeconds(5));

        var probe = await service.TryAcquireProbeAsync().Bounded();
        await service.ReportProbeAsync(probe.Token, success: false).Bounded();

        var snapshot = (await service.GetSnapshotAsync().Bounded())!;
        Assert.Equal(CircuitState.Open, snapshot.Circuit);
        Assert.Equal(5000, snapshot.CircuitRetryAfterMilliseconds);
    }

    [Fact]
    public async Task Update_ReplacesTheDefinition_KeepsTheBreakerWhenItsSettingsStay_AndMovesTheSnapshotOn()
    {
        await using var silo = await StartAsync();
        var definition = Definition([new(A)]) with { CircuitBreaker = new CircuitBreakerDefinition(MinimumThroughput: 4, BreakSeconds: 5) };
        var service = await CreateAsync(silo, definition);
        await service.ReportAsync(new OutcomeBatch("fe-1", [new EndpointReport(A, 0, 4, 4)])).Bounded();
        var before = (await service.GetSnapshotAsync().Bounded())!;
        Assert.Equal(CircuitState.Open, before.Circuit);

        Assert.True(await service.UpdateAsync(definition with { TimeoutSeconds = 3, HttpVersion = DownstreamHttpVersion.Http2 }).Bounded());

        var after = (await service.GetSnapshotIfChangedAsync(new SnapshotStamp(before.Epoch, before.Version)).Bounded())!;
        Assert.Equal(3, after.TimeoutSeconds);
        Assert.Equal(DownstreamHttpVersion.Http2, after.HttpVersion);
        Assert.Equal(CircuitState.Open, after.Circuit); // same breaker settings: its state stands
        Assert.True(after.Version > before.Version);

        Assert.True(await service.UpdateAsync(definition with { TimeoutSeconds = 3, HttpVersion = DownstreamHttpVersion.Http2, CircuitBreaker = new CircuitBreakerDefinition(MinimumThroughput: 8) }).Bounded());
        Assert.Equal(CircuitState.Closed, (await service.GetSnapshotAsync().Bounded())!.Circuit); // new settings: a new breaker
        Assert.False(await silo.Grains.GetGrain<IServiceGrain>("unknown").UpdateAsync(definition with { Id = "unknown" }).Bounded());
    }

    [Fact]
    public async Task Quorum_OneFrontEndFailing_WhileOthersSucceed_DoesNotOpen()
    {
        await using var silo = await StartAsync();
        var breaker = new CircuitBreakerDefinition(FailureRatio: 0.3, MinimumThroughput: 10, MinimumReporters: 2);
        var service = await CreateAsync(silo, Definition([new(A), new(B)]) with { CircuitBreaker = breaker, OutlierDetection = new OutlierDetectionDefinition(MaxEjectionPercent: 0) });

        // One sick front end: everything it sends fails (40 of 100 calls overall, ratio 0.4 > 0.3).
        await service.ReportAsync(new OutcomeBatch("fe-sick", [new EndpointReport(A, 0, 20, 20), new EndpointReport(B, 0, 20, 20)])).Bounded();
        await service.ReportAsync(new OutcomeBatch("fe-2", [new EndpointReport(A, 15, 0, 0), new EndpointReport(B, 15, 0, 0)])).Bounded();
        await service.ReportAsync(new OutcomeBatch("fe-3", [new EndpointReport(A, 15, 0, 0), new EndpointReport(B, 15, 0, 0)])).Bounded();
        await service.ReportAsync(new OutcomeBatch("fe-sick", [new EndpointReport(A, 0, 5, 5)])).Bounded();
        Assert.Equal(CircuitState.Closed, (await service.GetSnapshotAsync().Bounded())!.Circuit);

        // A second front end starts failing too: the quorum of two is met.
        await service.ReportAsync(new OutcomeBatch("fe-2", [new EndpointReport(A, 0, 30, 30), new EndpointReport(B, 0, 30, 30)])).Bounded();

        var info = (await service.GetAsync().Bounded())!;
        Assert.Equal(CircuitState.Open, info.Circuit.State);
        Assert.Equal(2, info.Circuit.FailingReporters);
    }

    [Fact]
    public async Task ActiveHealthChecks_MarkAnEndpointUnhealthyAfterTheThreshold_AndBackAfterHealthyOnes()
    {
        var prober = new ScriptedProber();
        await using var silo = await StartAsync(prober);

        // Failing before the service exists: its first round of checks may run as soon as it is created.
        prober.Fail(A + "/healthz");
        var service = await CreateAsync(silo, Definition([new(A), new(B)]) with { HealthCheck = new HealthCheckDefinition("/healthz", IntervalSeconds: 5, TimeoutSeconds: 1, HealthyThreshold: 2, UnhealthyThreshold: 2) });

        // The first round is due at activation; each later one an interval after the previous one finished.
        await RoundAsync(silo, service, TimeSpan.Zero, expectedRounds: 1);
        Assert.Equal(EndpointHealth.Healthy, await HealthOfAsync(service, A));
        await RoundAsync(silo, service, TimeSpan.FromSeconds(5), expectedRounds: 2);

        Assert.Equal(EndpointHealth.Unhealthy, await HealthOfAsync(service, A));
        Assert.Equal([B], (await service.GetSnapshotAsync().Bounded())!.Endpoints.Select(e => e.Url));
        Assert.All(prober.Seen, uri => Assert.EndsWith("/healthz", uri, StringComparison.Ordinal));

        prober.PassAll();
        await RoundAsync(silo, service, TimeSpan.FromSeconds(5), expectedRounds: 3);
        Assert.Equal(EndpointHealth.Unhealthy, await HealthOfAsync(service, A));
        await RoundAsync(silo, service, TimeSpan.FromSeconds(5), expectedRounds: 4);
        Assert.Equal([A, B], (await service.GetSnapshotAsync().Bounded())!.Endpoints.Select(e => e.Url));
    }

    private static async Task RoundAsync(GatewayCluster silo, IServiceGrain service, TimeSpan advance, long expectedRounds)
    {
        silo.Time.Advance(advance);
        await Await.UntilAsync(async () => (await service.GetAsync())!.HealthCheckRounds >= expectedRounds, $"round {expectedRounds} of health checks was applied");
    }

    private static async Task<EndpointHealth> HealthOfAsync(IServiceGrain service, string url) =>
        (await service.GetAsync().Bounded())!.EndpointStatus.Single(e => e.Url == url).Health;

    private static ServiceDefinition Definition(IReadOnlyList<EndpointDefinition> endpoints) =>
        new("orders", endpoints, LoadBalancingPolicy.PowerOfTwoChoices, 10, null, null);

    private static async Task<IServiceGrain> CreateAsync(GatewayCluster silo, ServiceDefinition definition)
    {
        var service = silo.Grains.GetGrain<IServiceGrain>(definition.Id);
        Assert.True(await service.CreateAsync(definition).Bounded());
        return service;
    }

    private static Task<GatewayCluster> StartAsync(IHealthProber? prober = null) =>
        GatewayCluster.StartAsync(services: services => services.AddSingleton(prober ?? new ScriptedProber()));
}
