using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Silo.Grains.Hosting;

namespace Silo.Grains.Tests.Hosting;

/// <summary>A stop that overruns the host's shutdown timeout ends the process; one that finishes in time never does.</summary>
public sealed class ShutdownDeadlineTests
{
    [Fact]
    public async Task AStopThatNeverFinishes_EndsTheProcess_AfterTheTimeoutAndTheGrace()
    {
        var (deadline, lifetime, time, ended) = await StartAsync();

        lifetime.StopApplication();
        time.Advance(TimeSpan.FromSeconds(34));
        Assert.False(ended.Reader.TryPeek(out _));
        time.Advance(TimeSpan.FromSeconds(2));

        // The deadline's continuation runs synchronously with the timer that ends the delay.
        Assert.True(ended.Reader.TryRead(out var message));
        Assert.Contains("did not finish within 35 s", message, StringComparison.Ordinal);
        GC.KeepAlive(deadline);
    }

    [Fact]
    public async Task AStopThatFinishes_IsDisarmed_AndNeverEndsTheProcessLater()
    {
        var (deadline, lifetime, time, ended) = await StartAsync();

        lifetime.StopApplication();
        time.Advance(TimeSpan.FromSeconds(3));
        lifetime.NotifyStopped();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.False(ended.Reader.TryRead(out _));
        GC.KeepAlive(deadline);
    }

    private static async Task<(ShutdownDeadline, ApplicationLifetime, FakeTimeProvider, System.Threading.Channels.Channel<string>)> StartAsync()
    {
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var time = new FakeTimeProvider();
        var ended = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var deadline = new ShutdownDeadline(lifetime, Options.Create(new HostOptions { ShutdownTimeout = TimeSpan.FromSeconds(30) }), time, NullLogger<ShutdownDeadline>.Instance)
        {
            Terminate = message => ended.Writer.TryWrite(message),
        };
        await deadline.StartAsync(CancellationToken.None);
        return (deadline, lifetime, time, ended);
    }
}
