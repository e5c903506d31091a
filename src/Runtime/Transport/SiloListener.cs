using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Silo.Runtime.Transport;

/// <summary>Accepts silo connections on the silo port and serves their frames with one handler.</summary>
internal sealed partial class SiloListener(ILogger<SiloListener> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<SiloConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public void Start(IPAddress address, int port, IFrameHandler handler)
    {
        _listener = new TcpListener(address, port);
        _listener.Start(backlog: 512);
        LogListening(logger, address.ToString(), port);
        _accepting = AcceptLoopAsync(handler);
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        foreach (var connection in _connections.Keys)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(IFrameHandler handler)
    {
        var tracking = new TrackingHandler(handler, _connections);
        while (!_stopping.IsCancellationRequested)
        {
            var socket = await _listener!.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            var connection = SiloConnection.Accept(socket, tracking);
            _connections.TryAdd(connection, 0);
        }
    }

    /// <summary>Forgets connections as they close.</summary>
    private sealed class TrackingHandler(IFrameHandler inner, ConcurrentDictionary<SiloConnection, byte> connections) : IFrameHandler
    {
        public void OnFrame(SiloConnection connection, Frame frame) => inner.OnFrame(connection, frame);

        public void OnClosed(SiloConnection connection, Exception? error)
        {
            connections.TryRemove(connection, out _);
            inner.OnClosed(connection, error);
        }
    }

    [LoggerMessage(EventId = 920, Level = LogLevel.Information, Message = "Silo port listening on {Address}:{Port}")]
    private static partial void LogListening(ILogger logger, string address, int port);
}
