using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Silo.Runtime.Membership;
using Silo.Runtime.Serialization;
using Silo.Runtime.Transport;

namespace Silo.Runtime.Cluster;

/// <summary>
/// Outgoing connections to silos (one per silo, made on demand, replaced when broken) and the calls in
/// flight on them, matched to answers by correlation id. When a connection breaks, its calls fail at once.
/// </summary>
internal sealed partial class ClusterConnections(GrainCodec codec, ILogger<ClusterConnections> logger) : IFrameHandler, IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Lazy<Task<SiloConnection>>> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _probes = new();
    private long _nextId;

    /// <summary>Called when a silo answers "not owner" (nothing ran): the invoker retries elsewhere.</summary>
    public Action<PendingCall, long>? OnNotOwner { get; set; }

    public int PendingCount => _pending.Count;

    public async Task<SiloConnection> GetAsync(SiloAddress silo)
    {
        var endpoint = silo.Endpoint;
        while (true)
        {
            var lazy = _connections.GetOrAdd(endpoint, e => new Lazy<Task<SiloConnection>>(() => SiloConnection.ConnectAsync(silo.Host, silo.Port, this, ConnectTimeout)));
            try
            {
                var connection = await lazy.Value.ConfigureAwait(false);
                if (connection.IsOpen)
                {
                    return connection;
                }
            }
            catch (SiloUnavailableException)
            {
                _connections.TryRemove(new KeyValuePair<string, Lazy<Task<SiloConnection>>>(endpoint, lazy));
                throw;
            }

            _connections.TryRemove(new KeyValuePair<string, Lazy<Task<SiloConnection>>>(endpoint, lazy));
        }
    }

    /// <summary>Sends a call; false when the connection closed before the frame was queued (nothing was sent).</summary>
    public bool Send(SiloConnection connection, GrainId target, GrainRequest request, int attempt, long membershipVersion)
    {
        var payload = new MessageWriter()
            .WriteString(target.Type)
            .WriteString(target.Key)
            .WriteString(request.InterfaceName)
            .WriteInt32(request.MethodId)
            .WriteInt64(membershipVersion)
            .WriteBytes(codec.SerializeArguments(request))
            .ToMemory();
        var id = Interlocked.Increment(ref _nextId);
        _pending[id] = new PendingCall(request, target, attempt, connection);
        request.CompletionCallback = completed => _pending.TryRemove(id, out var _);
        if (request.IsCompleted || !connection.Send(FrameKind.Request, id, payload))
        {
            _pending.TryRemove(id, out _);
            return request.IsCompleted;
        }

        return true;
    }

    /// <summary>Sends a probe; true when the silo answered within <paramref name="timeout"/>.</summary>
    public async Task<bool> PingAsync(SiloAddress silo, TimeSpan timeout, TimeProvider time)
    {
        var id = Interlocked.Increment(ref _nextId);
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes[id] = pong;
        try
        {
            var connection = await GetAsync(silo).WaitAsync(timeout, time).ConfigureAwait(false);
            if (!connection.Send(FrameKind.Ping, id, ReadOnlyMemory<byte>.Empty))
            {
                return false;
            }

            await pong.Task.WaitAsync(timeout, time).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException)
        {
            return false;
        }
        finally
        {
            _probes.TryRemove(id, out _);
        }
    }

    public void OnFrame(SiloConnection connection, Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Pong:
                if (_probes.TryRemove(frame.Id, out var pong))
                {
                    pong.TrySetResult();
                }

                break;
            case FrameKind.Response when _pending.TryRemove(frame.Id, out var call):
                try
                {
                    call.Request.CompleteFrom(GrainResponse.FromValue(frame.Payload), codec);
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidCastException)
                {
                    call.Request.TrySetException(ex);
                }

                break;
            case FrameKind.Exception when _pending.TryRemove(frame.Id, out var call):
                call.Request.TrySetException(ExceptionCodec.Read(frame.Payload.Span));
                break;
            case FrameKind.NotOwner when _pending.TryRemove(frame.Id, out var call):
                var reader = new MessageReader(frame.Payload.Span);
                OnNotOwner?.Invoke(call, reader.ReadInt64());
                break;
        }
    }

    public void OnClosed(SiloConnection connection, Exception? error)
    {
        foreach (var (endpoint, lazy) in _connections)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && ReferenceEquals(lazy.Value.Result, connection))
            {
                _connections.TryRemove(new KeyValuePair<string, Lazy<Task<SiloConnection>>>(endpoint, lazy));
            }
        }

        var failed = 0;
        foreach (var (id, call) in _pending)
        {
            if (ReferenceEquals(call.Connection, connection) && _pending.TryRemove(id, out _))
            {
                // The call may or may not have run: it cannot be retried safely.
                call.Request.TrySetException(new SiloUnavailableException($"The connection to silo {connection.Remote} was lost while the call was in flight."));
                failed++;
            }
        }

        if (failed > 0 || error is not null)
        {
            LogConnectionLost(logger, connection.Remote, failed, error?.Message ?? "closed");
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var lazy in _connections.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await lazy.Value.Result.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "Connection to silo {Remote} lost ({Reason}); {Failed} calls in flight failed")]
    private static partial void LogConnectionLost(ILogger logger, string remote, int failed, string reason);
}
