using Microsoft.AspNetCore.Http.Features;
using Silo.Api.Auth;
using Silo.Api.Edge;
using Silo.Api.Hosting;

namespace Silo.Api.Forwarding;

/// <summary>The outgoing request: end-to-end headers only, X-Forwarded-* and traceparent set by the gateway.</summary>
public sealed partial class HttpForwarder
{
    private static HttpRequestMessage CreateRequest(HttpContext context, Uri target)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        if (CanHaveBody(context))
        {
            request.Content = new StreamContent(incoming.Body);
        }

        var dropAuthorization = ApiKeyCredentials.UsesAuthorizationHeader(incoming);
        var connectionTokens = incoming.Headers.Connection.ToString();
        var chain = context.Features.Get<ForwardedChain>();
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHopHeaders.Contains(name) ||
                string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, ApiKeyCredentials.HeaderName, StringComparison.OrdinalIgnoreCase) ||
                (dropAuthorization && string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase)) ||
                name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase) ||
                (chain is null && ClientAddressHeaders.Contains(name)) ||
                string.Equals(name, RequestContextMiddleware.HeaderName, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, TraceParent.HeaderName, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, TraceParent.StateHeaderName, StringComparison.OrdinalIgnoreCase) ||
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

        if (GatewayRequest.Of(context) is { } gatewayRequest)
        {
            request.Headers.TryAddWithoutValidation(RequestContextMiddleware.HeaderName, gatewayRequest.RequestId);
        }

        AddTraceContext(incoming, request);
        return request;
    }

    /// <summary>
    /// Without spans, the gateway is still a hop: same trace, its own parent id. tracestate belongs to the trace, so it goes along
    /// only when the trace is continued (W3C Trace Context §3.3).
    /// </summary>
    private static void AddTraceContext(HttpRequest incoming, HttpRequestMessage request)
    {
        if (System.Diagnostics.Activity.Current is not null)
        {
            // Spans are on: the handler's client span carries the trace (see the invoker's propagator).
            return;
        }

        var traceparent = TraceParent.ForHop(incoming.Headers[TraceParent.HeaderName], out var continued);
        request.Headers.TryAddWithoutValidation(TraceParent.HeaderName, traceparent);
        if (continued && incoming.Headers[TraceParent.StateHeaderName] is { Count: > 0 } state)
        {
            request.Headers.TryAddWithoutValidation(TraceParent.StateHeaderName, (IEnumerable<string?>)state);
        }
    }

    private static bool CanHaveBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? HasBody(context.Request);

    /// <summary>A declared body: Content-Length above 0 or any Transfer-Encoding (or a body the server detected).</summary>
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 ||
        request.Headers.TransferEncoding.Count > 0 ||
        (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

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
}
