namespace Silo.Grains.Services;

/// <summary>
/// Health checks over HTTP/1.1 with one pooled handler (<see cref="OutboundHttp"/>) for every service on this silo. Redirects are not
/// followed (a 3xx counts as alive); any connection error or timeout is a failed check.
/// </summary>
public sealed class HttpHealthProber : IHealthProber, IDisposable
{
    private readonly HttpMessageInvoker _invoker = OutboundHttp.CreateInvoker();

    public async Task<bool> ProbeAsync(Uri target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.UserAgent.ParseAdd("silo-health-check/1");
        try
        {
            using var response = await _invoker.SendAsync(request, timeoutSource.Token);
            return (int)response.StatusCode is >= 200 and < 400;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    public void Dispose() => _invoker.Dispose();
}
