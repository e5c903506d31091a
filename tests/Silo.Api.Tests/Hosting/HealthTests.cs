using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Hosting;

public sealed class HealthTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Live_And_Ready_Are200_OnceStarted()
    {
        using var client = gateway.CreateClient();

        Assert.Equal("live", (await Expect.JsonAsync(await client.GetAsync("/health/live"), 200)).GetProperty("status").GetString());
        Assert.Equal("ready", (await Expect.JsonAsync(await client.GetAsync("/health/ready"), 200)).GetProperty("status").GetString());
    }
}

/// <summary>Readiness turns off the moment the host begins to stop.</summary>
public sealed class ShutdownCheckTests
{
    [Fact]
    public async Task IsHealthy_UntilTheHostBeginsToStop()
    {
        var lifetime = new StoppableLifetime();
        var check = new Silo.ServiceDefaults.ShutdownCheck(lifetime);

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await check.CheckHealthAsync(new())).Status);
        await lifetime.Stopping.CancelAsync();
        var stopping = await check.CheckHealthAsync(new());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, stopping.Status);
        Assert.True(stopping.Data.ContainsKey("stopping"));
    }

    private sealed class StoppableLifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime, IDisposable
    {
        public CancellationTokenSource Stopping { get; } = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => Stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopping.Cancel();

        public void Dispose() => Stopping.Dispose();
    }
}
