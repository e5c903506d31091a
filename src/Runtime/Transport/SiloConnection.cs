using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Silo.Runtime.Transport;

/// <summary>
/// A persistent TCP connection between a client and a silo, or two silos, carrying length-prefixed frames in
/// both directions. Sends from any thread go through one writer loop that writes everything queued and
/// flushes once (batched writes); one reader loop hands each received frame to the handler. When the socket
/// breaks, the handler hears it at once so in-flight calls fail without waiting for their timeout.
/// </summary>
internal sealed class SiloConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly IFrameHandler _handler;
    private readonly Channel<Frame> _outgoing = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private int _closed;
    private Task _loops = Task.CompletedTask;

    private SiloConnection(Socket socket, IFrameHandler handler, string remote)
    {
        _socket = socket;
        _handler = handler;
        Remote = remote;
        var stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
    }

    /// <summary>The peer's endpoint, for logs.</summary>
    public string Remote { get; }

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    public static SiloConnection Accept(Socket socket, IFrameHandler handler)
    {
        socket.NoDelay = true;
        var connection = new SiloConnection(socket, handler, socket.RemoteEndPoint?.ToString() ?? "?");
        connection.Start();
        return connection;
    }

    public static async Task<SiloConnection> ConnectAsync(string host, int port, IFrameHandler handler, TimeSpan timeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw new SiloUnavailableException($"Cannot connect to silo {host}:{port}: {ex.Message}", ex);
        }

        var connection = new SiloConnection(socket, handler, $"{host}:{port}");
        connection.Start();
        return connection;
    }

    /// <summary>Queues a frame; false when the connection is closed (the frame was not and will not be sent).</summary>
    public bool Send(FrameKind kind, long id, ReadOnlyMemory<byte> payload) =>
        IsOpen && _outgoing.Writer.TryWrite(new Frame(kind, id, payload));

    public async ValueTask DisposeAsync()
    {
        Close(null);
        try
        {
            await _loops.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing.
        }
    }

    private void Start() => _loops = Task.WhenAll(WriteLoopAsync(), ReadLoopAsync());

    private async Task WriteLoopAsync()
    {
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    var span = _output.GetSpan(Frame.HeaderLength);
                    BinaryPrimitives.WriteInt32LittleEndian(span, 1 + 8 + frame.Payload.Length);
                    span[4] = (byte)frame.Kind;
                    BinaryPrimitives.WriteInt64LittleEndian(span[5..], frame.Id);
                    _output.Advance(Frame.HeaderLength);
                    _output.Write(frame.Payload.Span);
                }

                if ((await _output.FlushAsync(_closing.Token).ConfigureAwait(false)).IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Close(ex);
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (TryReadFrame(ref buffer, out var frame))
                {
                    _handler.OnFrame(this, frame);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        Close(error);
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[Frame.HeaderLength];
        var lengthSlice = buffer.Slice(0, 4);
        lengthSlice.CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 9 || length > Frame.MaxPayloadLength + 9)
        {
            throw new InvalidDataException($"Invalid silo frame length {length}.");
        }

        if (buffer.Length < 4 + length)
        {
            return false;
        }

        buffer.Slice(0, Frame.HeaderLength).CopyTo(header);
        var payload = buffer.Slice(Frame.HeaderLength, length - 9).ToArray();
        frame = new Frame((FrameKind)header[4], BinaryPrimitives.ReadInt64LittleEndian(header[5..]), payload);
        buffer = buffer.Slice(4 + length);
        return true;
    }

    private void Close(Exception? error)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        try
        {
            _closing.Cancel();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
        _handler.OnClosed(this, error);
    }
}
