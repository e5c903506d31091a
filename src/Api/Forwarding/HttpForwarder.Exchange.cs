using System.Buffers;
using System.Net.Sockets;
using Silo.Api.Errors;
using Silo.Grains.Idempotency;

namespace Silo.Api.Forwarding;

/// <summary>One attempt on the wire: send and wait for the head, then stream the body back.</summary>
public sealed partial class HttpForwarder
{
    private async Task<ForwardExchange> SendAsync(HttpContext context, Uri target, TimeSpan timeout)
    {
        var exchange = new ForwardExchange(CreateRequest(context, target), timeout, _time, context.RequestAborted);
        var started = _time.GetTimestamp();
        try
        {
            exchange.Response = await _invoker.SendAsync(exchange.Request, exchange.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            LogClientAborted(_logger, target.Authority);
            exchange.ClientAborted = true;
        }
        catch (OperationCanceledException)
        {
            LogUpstreamTimeout(_logger, target.Authority, timeout.TotalSeconds);
            exchange.Error = GatewayError.UpstreamTimeout;
        }
        catch (HttpRequestException ex)
        {
            LogUpstreamFailed(_logger, target.Authority, ex.HttpRequestError, (ex.InnerException as SocketException)?.SocketErrorCode.ToString() ?? "none");
            exchange.Error = GatewayError.UpstreamFailed;
        }

        exchange.Elapsed = _time.GetElapsedTime(started);
        return exchange;
    }

    private async Task<ForwardOutcome> StreamResponseAsync(HttpContext context, ForwardRequest request, int attempt, Uri target, ForwardExchange exchange, ResponseCapture? capture)
    {
        using (exchange)
        {
            var response = exchange.Response!;
            exchange.StopTimeout();
            var headers = CopyResponseHead(response, context.Response, collect: capture is not null);
            request.OnResponse?.Invoke(context.Response);
            capture?.Begin((int)response.StatusCode, headers, response.Content.Headers.ContentLength);

            // A 5xx that is not retried still goes to the client, but counts against the endpoint.
            var result = (int)response.StatusCode >= 500 ? AttemptResult.Failure : AttemptResult.Success;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
                if (capture is null)
                {
                    await body.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
                }
                else
                {
                    await CopyCapturingAsync(body, context.Response.Body, capture, context.RequestAborted).ConfigureAwait(false);
                    capture.Complete();
                }

                Report(request, attempt, target, result, exchange);
                return ForwardOutcome.Proxied;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
            {
                var clientGone = context.RequestAborted.IsCancellationRequested;
                if (!clientGone)
                {
                    LogBodyFailed(_logger, target.Authority);
                }

                Report(request, attempt, target, clientGone ? AttemptResult.ClientAborted : AttemptResult.Failure, exchange);

                // Headers (maybe part of the body) are out: the only honest signal left is a broken connection.
                context.Abort();
                return new ForwardOutcome(null, ResponseStarted: true);
            }
        }
    }

    private static async Task CopyCapturingAsync(Stream source, Stream destination, ResponseCapture capture, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                capture.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies status and end-to-end headers; with <paramref name="collect"/> also returns them for recording.</summary>
    private static List<RecordedHeader> CopyResponseHead(HttpResponseMessage response, HttpResponse outgoing, bool collect)
    {
        var collected = new List<RecordedHeader>(collect ? 16 : 0);
        outgoing.StatusCode = (int)response.StatusCode;
        var connectionTokens = string.Join(',', response.Headers.Connection);
        foreach (var header in response.Headers)
        {
            if (!HopByHopHeaders.Contains(header.Key) && !IsListedIn(connectionTokens, header.Key))
            {
                Copy(header.Key, header.Value.ToArray());
            }
        }

        foreach (var header in response.Content.Headers)
        {
            Copy(header.Key, header.Value.ToArray());
        }

        return collected;

        void Copy(string name, string[] values)
        {
            outgoing.Headers[name] = values;
            if (collect)
            {
                collected.Add(new RecordedHeader(name, values));
            }
        }
    }
}
