using Silo.Api.Errors;

namespace Silo.Api.Forwarding;

/// <summary>
/// One attempt in flight: the outgoing message, the response head (or what went wrong) and the token that
/// bounds the wait for the head. Owns all three until the response body has been streamed.
/// </summary>
internal sealed class ForwardExchange : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;

    public ForwardExchange(HttpRequestMessage request, TimeSpan timeout, TimeProvider time, CancellationToken clientAborted)
    {
        Request = request;
        _timeout = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, _timeout.Token);
    }

    public HttpRequestMessage Request { get; }

    public CancellationToken Token => _linked.Token;

    public HttpResponseMessage? Response { get; set; }

    public GatewayError? Error { get; set; }

    public bool ClientAborted { get; set; }

    /// <summary>From sending to the response head or the failure.</summary>
    public TimeSpan Elapsed { get; set; }

    public int? StatusCode => Response is null ? null : (int)Response.StatusCode;

    /// <summary>The timeout bounds the wait for the head; a long body may stream for as long as it takes.</summary>
    public void StopTimeout() => _timeout.CancelAfter(Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        Response?.Dispose();
        Request.Dispose();
        _linked.Dispose();
        _timeout.Dispose();
    }
}
