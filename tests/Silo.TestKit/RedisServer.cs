using System.Globalization;

namespace Silo.TestKit;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, with no persistence, owned by the test that starts
/// it. <c>scripts/test.sh</c> installs the server when it is missing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private ChildProcess? _process;

    private RedisServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>The <c>Cluster:Redis</c> value for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort.Next());
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server (SIGKILL: a crash, not a shutdown).</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Starts it again on the same port (empty: it persists nothing).</summary>
    public Task RestartAsync() => StartProcessAsync();

    public ValueTask DisposeAsync() => new(KillAsync());

    private async Task StartProcessAsync()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed; scripts/test.sh installs it (apt-get install redis-server).");
        _process = ChildProcess.Start(
            binary,
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--protected-mode", "no"],
            Path.GetTempPath());
        await _process.WaitForLineAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal));
    }
}
