using Silo.Grains.Idempotency;

namespace Silo.Api.Forwarding;

/// <summary>
/// Records a proxied response for Idempotency-Key replay while it streams to the client: the head, and the
/// body up to a limit. Past the limit it stops copying (the client still gets everything) and the response
/// counts as not recordable. Only requests with an Idempotency-Key pay for this.
/// </summary>
internal sealed class ResponseCapture(int maxBodyBytes)
{
    private MemoryStream? _body;
    private IReadOnlyList<RecordedHeader> _headers = [];

    /// <summary>The response head's headers as the downstream sent them (empty until it was proxied).</summary>
    public IReadOnlyList<RecordedHeader> Headers => _headers;

    /// <summary>The downstream's status; null until a response head was proxied.</summary>
    public int? StatusCode { get; private set; }

    public bool Overflowed { get; private set; }

    /// <summary>True once the whole body went to the client.</summary>
    public bool Completed { get; private set; }

    public void Begin(int statusCode, IReadOnlyList<RecordedHeader> headers, long? contentLength)
    {
        StatusCode = statusCode;
        _headers = headers;
        Overflowed = contentLength > maxBodyBytes;
        _body = Overflowed ? null : new MemoryStream(contentLength is { } length ? (int)length : 0);
    }

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (Overflowed || _body is null)
        {
            return;
        }

        if (_body.Length + chunk.Length > maxBodyBytes)
        {
            Overflowed = true;
            _body = null;
            return;
        }

        _body.Write(chunk);
    }

    public void Complete() => Completed = true;

    /// <summary>The response to replay, or null when it was cut off or too large.</summary>
    public RecordedResponse? ToRecorded() =>
        Completed && !Overflowed && StatusCode is { } status && _body is not null
            ? new RecordedResponse(status, _headers, _body.ToArray())
            : null;
}
