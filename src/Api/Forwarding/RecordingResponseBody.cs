using Microsoft.AspNetCore.Http.Features;

namespace Silo.Api.Forwarding;

/// <summary>
/// The response body while a response is recorded for Idempotency-Key replay: every byte goes to the capture and,
/// while the client is there, to the client. The client leaving does not stop the copy — the downstream has
/// executed the request, so its answer is read to the end and recorded for the client's retry — unless nothing
/// more could be recorded, when a write fails and the forward ends.
/// </summary>
internal sealed class RecordingResponseBody(IHttpResponseBodyFeature client, ResponseCapture capture) : Stream
{
    /// <summary>Whether the client went away while the response was copied.</summary>
    public bool ClientGone { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        capture.Append(buffer.Span);
        if (!ClientGone)
        {
            try
            {
                await client.Stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
            {
                ClientGone = true;
            }
        }

        if (ClientGone && capture.Overflowed)
        {
            throw new IOException("The client went away and the response can no longer be recorded.");
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (ClientGone)
        {
            return;
        }

        try
        {
            await client.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            ClientGone = true;
        }
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Writes are asynchronous.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
