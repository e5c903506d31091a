using System.Globalization;
using Silo.TestKit;

namespace Silo.Deploy.Tests.Publishing;

/// <summary>
/// A real Redis Sentinel (<c>redis-server --sentinel</c>) on a free loopback port, monitoring one primary, owned by
/// the test that starts it. Sentinel rewrites its configuration file, so it gets one of its own in a temporary directory.
/// </summary>
public sealed class SentinelServer : IAsyncDisposable
{
    /// <summary>The name the primary is monitored under (<c>serviceName=</c> in a connection string).</summary>
    public const string ServiceName = "silo";

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _directory;

    private SentinelServer(ChildProcess process, DirectoryInfo directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SentinelServer> StartAsync(RedisServer primary, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var directory = Directory.CreateTempSubdirectory("silo-sentinel-");
        var port = FreePort.Next();
        var configuration = Path.Combine(directory.FullName, "sentinel.conf");
        await File.WriteAllLinesAsync(configuration,
        [
            $"port {port.ToString(CultureInfo.InvariantCulture)}",
            "bind 127.0.0.1",
            $"dir {directory.FullName}",
            $"sentinel monitor {serviceName} 127.0.0.1 {primary.Port.ToString(CultureInfo.InvariantCulture)} 1",
        ]);
        var process = ChildProcess.Start("/usr/bin/redis-server", [configuration, "--sentinel"], directory.FullName);
        var sentinel = new SentinelServer(process, directory, port);
        try
        {
            await process.WaitForLineAsync(line => line.Contains("+monitor master " + serviceName, StringComparison.Ordinal));
            return sentinel;
        }
        catch
        {
            await sentinel.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
