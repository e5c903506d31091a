using System.Globalization;

namespace Silo.TestKit;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, owned by the test that starts it: without persistence,
/// or with an append-only file (as production runs it) in a directory of its own that a restart reads back.
/// <c>scripts/test.sh</c> installs the server when it is missing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private ChildProcess? _process;

    private readonly string? _dataDirectory;

    private RedisServer(int port, string? dataDirectory)
    {
        Port = port;
        _dataDirectory = dataDirectory;
    }

    public int Port { get; }

    /// <summary>The <c>Cluster:Redis</c> value for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <param name="appendOnly">Persist every write to an append-only file (fsync every second), as production should.</param>
    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        var directory = appendOnly ? Directory.CreateTempSubdirectory("silo-redis-").FullName : null;
        var server = new RedisServer(FreePort.Next(), directory);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Stops the server gracefully (SIGTERM: it writes its append-only file out) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            _process.Terminate();
            await _process.WaitForExitAsync();
            await _process.DisposeAsync();
            _process = null;
        }
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

    /// <summary>
    /// Freezes the server (SIGSTOP): connections stay open and nothing answers, as in a stalled host or a long
    /// fork, until <see cref="Resume"/>.
    /// </summary>
    public void Freeze() => (_process ?? throw new InvalidOperationException("redis-server is not running.")).Freeze();

    /// <summary>Lets a frozen server go on (SIGCONT).</summary>
    public void Resume() => (_process ?? throw new InvalidOperationException("redis-server is not running.")).Resume();

    /// <summary>Starts it again on the same port: empty, or with what its append-only file holds.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private async Task StartProcessAsync()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed; scripts/test.sh installs it (apt-get install redis-server).");
        string[] persistence = _dataDirectory is null
            ? ["--appendonly", "no"]
            : ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", _dataDirectory];
        _process = ChildProcess.Start(
            binary,
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--protected-mode", "no", .. persistence],
            _dataDirectory ?? Path.GetTempPath());
        await _process.WaitForLineAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal));
    }
}
