using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Silo.Runtime.Redis;

/// <summary>
/// One TCP connection to Redis, pipelined: commands from any number of callers are written in order by one
/// writer loop (batched: everything queued goes out in one flush) and replies are matched to them in the
/// same order by one reader loop. When the socket breaks, every queued and in-flight command fails at once
/// with <see cref="RedisConnectionException"/>; the connection is then dead and the client makes a new one.
/// In subscriber mode, pushed messages go to <see cref="_onPush"/> instead of to a command.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Channel<PendingCommand> _outgoing = Channel.CreateUnbounded<PendingCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<PendingCommand> _awaitingReply = new();
    private readonly Action<RedisResult>? _onPush;
    private readonly CancellationTokenSource _closing = new();
    private Exception? _failure;
    private Task _loops = Task.CompletedTask;

    private RedisConnection(Socket socket, Action<RedisResult>? onPush)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(stream);
        _output = PipeWriter.Create(stream);
        _onPush = onPush;
    }

    /// <summary>True until the socket failed or the connection was closed.</summary>
    public bool IsHealthy => Volatile.Read(ref _failure) is null;

    /// <summary>Completes when the connection has failed or closed.</summary>
    public Task Closed => _loops;

    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, Action<RedisResult>? onPush, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw new RedisConnectionException($"Cannot connect to Redis at {options}: {ex.Message}", ex);
        }

        var connection = new RedisConnection(socket, onPush);
        connection._loops = Task.WhenAll(connection.WriteLoopAsync(), connection.ReadLoopAsync());
        try
        {
            if (options.Password is { Length: > 0 } password)
            {
                Check(await connection.ExecuteAsync(["AUTH", password]).WaitAsync(options.CommandTimeout, cancellationToken).ConfigureAwait(false));
            }

            if (options.Database != 0)
            {
                Check(await connection.ExecuteAsync(["SELECT", (long)options.Database]).WaitAsync(options.CommandTimeout, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>Queues a command; the task completes with its reply (an error reply included).</summary>
    public Task<RedisResult> ExecuteAsync(IReadOnlyList<object> args)
    {
        var command = new PendingCommand(args);
        if (Volatile.Read(ref _failure) is { } failure || !_outgoing.Writer.TryWrite(command))
        {
            command.Fail(new RedisConnectionException("The Redis connection is down.", _failure ?? new ObjectDisposedException(nameof(RedisConnection))));
        }

        return command.Reply;
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new ObjectDisposedException(nameof(RedisConnection)));
        try
        {
            await _loops.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or RedisConnectionException)
        {
            // Closing is what we asked for.
        }

        _closing.Dispose();
    }

    private static void Check(RedisResult result)
    {
        if (result.IsError)
        {
            throw new RedisServerException(result.Text!);
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var command))
                {
                    // Enqueue before writing: the reply may arrive before this loop gets to the next line.
                    _awaitingReply.Enqueue(command);
                    if (Volatile.Read(ref _failure) is not null)
                    {
                        // Fail() drained the queues before this command reached one of them.
                        FailAwaiting(new RedisConnectionException("The Redis connection is down."));
                        return;
                    }

                    RespProtocol.WriteCommand(_output, command.Args);
                }

                var flush = await _output.FlushAsync(_closing.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = read.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                while (RespProtocol.TryRead(ref reader, out var reply))
                {
                    Dispatch(reply);
                }

                _input.AdvanceTo(reader.Position, buffer.End);
                if (read.IsCompleted)
                {
                    throw new RedisConnectionException("Redis closed the connection.");
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Dispatch(RedisResult reply)
    {
        if (_onPush is not null && reply.Type == RedisResultType.Array && reply.Items!.Count > 0 &&
            reply.Items[0].Type == RedisResultType.BulkString && reply.Items[0].AsString() is "message" or "pmessage")
        {
            _onPush(reply);
            return;
        }

        if (_awaitingReply.TryDequeue(out var command))
        {
            command.Complete(reply);
        }
    }

    private void FailAwaiting(Exception error)
    {
        while (_awaitingReply.TryDequeue(out var command))
        {
            command.Fail(error);
        }
    }

    private void Fail(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _failure, exception, null) is not null)
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        var error = exception as RedisConnectionException ?? new RedisConnectionException("The Redis connection failed: " + exception.Message, exception);
        FailAwaiting(error);
        while (_outgoing.Reader.TryRead(out var command))
        {
            command.Fail(error);
        }

        try
        {
            _closing.Cancel();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        _socket.Dispose();
    }
}
