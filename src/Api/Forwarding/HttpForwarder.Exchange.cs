using System.Buffers;
using System.Net.Sockets;
using Silo.Api.Errors;
using Silo.Grains.Idempotency;

namespace Silo.Api.Forwarding;

/// <summary>One attempt on the wire: send and wait for the head, then stream the body back.</summary>
public sealed partial class HttpForwarder
{
    /// <summary>
    /// Sends and waits for the head. <paramref name="clientAborted"/> is the client's token, or none for a
    /// request with an Idempotency-Key: once sent, that one runs to its answer even if the client leaves.
    /// </summary>
    private async Task<ForwardExchange> SendAsync(HttpContext context, Uri target, TimeSpan timeout, CancellationToken clientAborted)
    {
        var exchange = new ForwardExchange(CreateRequest(context, target), timeout, _time, clientAborted);
        var started = _time.GetTimestamp();
        try
        {
            exchange.Response = await _invoker.SendAsync(exchange.Request, exchange.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
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
                if (capture is not null)
                {
                    return await StreamRecordingAsync(context, request, attempt, target, exchange, capture, result).ConfigureAwait(false);
                }

                await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
                await body.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
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

    /// <summary>
    /// Streams a response that is being recorded for Idempotency-Key replay. The client leaving does not stop
    /// it: the downstream has executed the request, so its answer is read to the end (within the claim's lease,
    /// and only while it can still be recorded) and recorded, and the client's retry with the same key gets it
    /// replayed instead of executing the request a second time.
    /// </summary>
    private async Task<ForwardOutcome> StreamRecordingAsync(
        HttpContext context, ForwardRequest request, int attempt, Uri target, ForwardExchange exchange, ResponseCapture capture, AttemptResult result)
    {
        using var drain = new CancellationTokenSource(IdempotencyLease, _time);
        await using var body = await exchange.Response!.Content.ReadAsStreamAsync(drain.Token).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var clientGone = false;
        var whole = true;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, drain.Token).ConfigureAwait(false)) > 0)
            {
                capture.Append(buffer.AsSpan(0, read));
                if (!clientGone)
                {
                    try
                    {
                        await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException)
                    {
                        clientGone = true;
                    }
                }

                if (clientGone && capture.Overflowed)
                {
                    // Nothing more could be recorded: stop reading; the repeat learns "executed, not recorded".
                    whole = false;
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (whole)
        {
            capture.Complete();
        }

        Report(request, attempt, target, clientGone ? AttemptResult.ClientAborted : result, exchange);
        if (clientGone)
        {
            context.Abort();
            return new ForwardOutcome(null, ResponseStarted: true);
        }

        return ForwardOutcome.Proxied;
    }

    /// <summary>Copies status and end-to-end headers; with <paramref name="collect"/> also returns them for recording.</summary>
    private static List<RecordedHeader> CopyResponseHead(HttpResponseMessage response, HttpResponse outgoing, bool collect)
    {
        var collected = new List<RecordedHeader>(collect ? 16 : 0);
        outgoing.StatusCode = (int)response.StatusCode;
        var connectionTokens = string.Join(',', response.Headers.Connection);
        foreach (var header in response.Headers)
        {
            // The response keeps the gateway's own X-Request-Id (the downstream got it as a request header).
            if (!HopByHopHeaders.Contains(header.Key) && !IsListedIn(connectionTokens, header.Key) &&
                !string.Equals(header.Key, Hosting.RequestContextMiddleware.HeaderName, StringComparison.OrdinalIgnoreCase))
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
