using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Features;
using Silo.Api.Auth;
using Silo.Api.Edge;
using Silo.Api.Errors;

namespace Silo.Api.Forwarding;

/// <summary>
/// Sends one request to a downstream endpoint and streams the answer back. Bodies are never buffered in
/// either direction; hop-by-hop headers and the gateway credential are dropped; redirects are returned to
/// the client, not followed. Failures before the response starts become one <see cref="GatewayError"/>;
/// a failure after it started aborts the connection, so a client never takes a truncated body for success.
/// </summary>
public sealed partial class HttpForwarder : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly ILogger<HttpForwarder> _logger;

    public HttpForwarder(ILogger<HttpForwarder> logger)
    {
        _logger = logger;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
        });
    }

    public async Task<ForwardOutcome> ForwardAsync(HttpContext context, Uri target, TimeSpan timeout, Action<HttpResponse>? onResponse)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        using var request = CreateRequest(context, target);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeoutSource.CancelAfter(timeout);

        HttpResponseMessage response;
        try
        {
            response = await _invoker.SendAsync(request, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            LogClientAborted(_logger, target.Authority);
            return new ForwardOutcome(null, ResponseStarted: false);
        }
        catch (OperationCanceledException)
        {
            LogUpstreamTimeout(_logger, target.Authority, timeout.TotalSeconds);
            return ForwardOutcome.Failed(GatewayError.UpstreamTimeout);
        }
        catch (HttpRequestException ex)
        {
            LogUpstreamFailed(_logger, target.Authority, ex.HttpRequestError, (ex.InnerException as SocketException)?.SocketErrorCode.ToString() ?? "none");
            return ForwardOutcome.Failed(GatewayError.UpstreamFailed);
        }

        using (response)
        {
            // The timeout bounds the wait for the response head; a long body may stream for as long as it takes.
            timeoutSource.CancelAfter(Timeout.InfiniteTimeSpan);
            CopyResponseHead(response, context.Response);
            onResponse?.Invoke(context.Response);
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
                await body.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
                return ForwardOutcome.Proxied;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
            {
                if (!context.RequestAborted.IsCancellationRequested)
                {
                    LogBodyFailed(_logger, target.Authority);
                }

                // Headers (maybe part of the body) are out: the only honest signal left is a broken connection.
                context.Abort();
                return new ForwardOutcome(null, ResponseStarted: true);
            }
        }
    }

    public void Dispose() => _invoker.Dispose();

    private static HttpRequestMessage CreateRequest(HttpContext context, Uri target)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0);
        if (canHaveBody)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        var dropAuthorization = ApiKeyCredentials.UsesAuthorizationHeader(incoming);
        var connectionTokens = incoming.Headers.Connection.ToString();
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHopHeaders.Contains(name) ||
                string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, ApiKeyCredentials.HeaderName, StringComparison.OrdinalIgnoreCase) ||
                (dropAuthorization && string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase)) ||
                name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase) ||
                (connectionTokens.Length > 0 && IsListedIn(connectionTokens, name)))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // Client-supplied X-Forwarded-* are dropped above: only a trusted proxy's chain is passed on (with the
        // proxy appended); otherwise the gateway states what it saw itself.
        var chain = context.Features.Get<ForwardedChain>();
        var remote = context.Connection.RemoteIpAddress;
        if (chain is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", chain.ForwardedFor);
        }
        else if (remote is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", EdgeMiddleware.Format(remote));
        }

        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", chain?.Proto ?? incoming.Scheme);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", chain?.Host ?? incoming.Host.Value);
        return request;
    }

    private static void CopyResponseHead(HttpResponseMessage response, HttpResponse outgoing)
    {
        outgoing.StatusCode = (int)response.StatusCode;
        var connectionTokens = string.Join(',', response.Headers.Connection);
        foreach (var header in response.Headers)
        {
            if (!HopByHopHeaders.Contains(header.Key) && !IsListedIn(connectionTokens, header.Key))
            {
                outgoing.Headers[header.Key] = header.Value.ToArray();
            }
        }

        foreach (var header in response.Content.Headers)
        {
            outgoing.Headers[header.Key] = header.Value.ToArray();
        }
    }

    private static bool IsListedIn(string connectionTokens, string name)
    {
        foreach (var token in connectionTokens.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(token, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Downstream {Authority} did not answer within {TimeoutSeconds} s")]
    private static partial void LogUpstreamTimeout(ILogger logger, string authority, double timeoutSeconds);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Downstream {Authority} failed: {HttpRequestError} (socket error {SocketError})")]
    private static partial void LogUpstreamFailed(ILogger logger, string authority, HttpRequestError httpRequestError, string socketError);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Downstream {Authority} broke off the response body; connection aborted")]
    private static partial void LogBodyFailed(ILogger logger, string authority);

    [LoggerMessage(EventId = 403, Level = LogLevel.Debug, Message = "Client aborted a request to {Authority}")]
    private static partial void LogClientAborted(ILogger logger, string authority);
}
