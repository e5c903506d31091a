using Microsoft.Net.Http.Headers;
using Silo.Api.Auth;
using Silo.Api.Edge;
using Silo.Api.Hosting;
using Silo.Grains.Idempotency;
using Silo.Signing;
using Yarp.ReverseProxy.Forwarder;

namespace Silo.Api.Forwarding;

/// <summary>
/// What the gateway changes in a forwarded request and its response, on top of YARP's own handling of
/// hop-by-hop headers, upgrades and trailers. Requests: the gateway credential, client-sent
/// <c>X-Forwarded-*</c> and address headers (unless from a trusted proxy), headers named in <c>Connection</c>,
/// <c>Host</c> and trace headers are dropped; <c>X-Forwarded-*</c>, <c>X-Request-Id</c> and trace context are
/// set; the target is the endpoint's base URL plus the raw path (<see cref="ForwardPath"/>). Responses: a
/// retryable 5xx is discarded when the retry can go (<see cref="ForwardRetries"/>); otherwise the head is
/// copied without downstream CORS headers and headers named in <c>Connection</c>, with the gateway's
/// rate-limit headers and request id, and recorded when the request carries an Idempotency-Key. Client-sent
/// <c>Silo-Tenant-Id</c>/<c>Silo-Key-Id</c> never pass; a signing service's requests are signed last (<see cref="ForwardSigning"/>).
/// </summary>
internal sealed class GatewayTransformer : HttpTransformer
{
    public static GatewayTransformer Instance { get; } = new();

    private GatewayTransformer()
    {
    }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var feature = ProxyFeature.Of(httpContext)!;
        var incoming = httpContext.Request;
        var headers = proxyRequest.Headers;
        var chain = httpContext.Features.Get<ForwardedChain>();

        DropClientHeaders(proxyRequest, incoming, chain, signing: feature.Signing is not null);

        // Client-supplied X-Forwarded-* are dropped above: only a trusted proxy's chain is passed on (with the
        // proxy appended); otherwise the gateway states what it saw itself.
        var remote = httpContext.Connection.RemoteIpAddress;
        if (chain is not null)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", chain.ForwardedFor);
        }
        else if (remote is not null)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", EdgeMiddleware.Format(remote));
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", chain?.Proto ?? incoming.Scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Host", chain?.Host ?? incoming.Host.Value);
        headers.Remove(RequestContextMiddleware.HeaderName);
        if (GatewayRequest.Of(httpContext) is { } gatewayRequest)
        {
            headers.TryAddWithoutValidation(RequestContextMiddleware.HeaderName, gatewayRequest.RequestId);
        }

        AddTraceContext(incoming, proxyRequest);
        AddValidators(feature, incoming, proxyRequest);
        var attempt = feature.Current;
        attempt.Target = ForwardPath.Target(attempt.Endpoint.Url, feature.PathAndQuery);
        proxyRequest.RequestUri = attempt.Target;
        feature.Signing?.Apply(proxyRequest, attempt.Target);
    }

    /// <summary>
    /// Removes what the client sent that must not reach the downstream: the gateway credential, forwarding and
    /// address headers (unless a trusted proxy sent them), headers named in <c>Connection</c>, the caller identity
    /// headers the gateway sets itself and, for a signing service, any signature headers.
    /// </summary>
    private static void DropClientHeaders(HttpRequestMessage proxyRequest, HttpRequest incoming, ForwardedChain? chain, bool signing)
    {
        var headers = proxyRequest.Headers;
        headers.Host = null;
        headers.Remove(ApiKeyCredentials.HeaderName);
        if (ApiKeyCredentials.UsesAuthorizationHeader(incoming))
        {
            headers.Authorization = null;
        }

        List<string> drop = [SiloSignature.TenantIdHeader, SiloSignature.KeyIdHeader];
        if (signing)
        {
            drop.AddRange(SiloSignature.Headers);
        }

        foreach (var header in headers.NonValidated)
        {
            if (header.Key.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase) || (chain is null && ClientAddressHeaders.Contains(header.Key)))
            {
                drop.Add(header.Key);
            }
        }

        drop.AddRange(ConnectionTokens.Named(incoming.Headers.Connection));
        foreach (var name in drop)
        {
            headers.Remove(name);
            proxyRequest.Content?.Headers.Remove(name);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            return false;
        }

        var feature = ProxyFeature.Of(httpContext)!;
        var attempt = feature.Current;
        attempt.StatusCode = (int)proxyResponse.StatusCode;

        // The stale entry still holds: its refreshed copy is answered (ResponseCache.AnswerNotModifiedAsync).
        if (attempt.StatusCode == StatusCodes.Status304NotModified && feature.Cache is { Revalidating: true } cache)
        {
            cache.NotModified = [.. proxyResponse.Headers.Select(h => new RecordedHeader(h.Key, [.. h.Value]))];
            return false;
        }

        // Discarded (body and all) when the retry will go; the client then sees only the retry's answer.
        if (ForwardRetries.IsRetryableStatus(attempt.StatusCode.Value) && ForwardRetries.TryPlan(feature, attempt))
        {
            return false;
        }

        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        var response = httpContext.Response;
        foreach (var name in ConnectionTokens.Named(proxyResponse.Headers.Connection))
        {
            response.Headers.Remove(name);
        }

        // The response keeps the gateway's own X-Request-Id (the downstream got it as a request header): the
        // copy above appended the downstream's to it.
        ProxiedResponse.KeepRequestId(httpContext);
        feature.Capture?.Begin(response.StatusCode, Recorded(response.Headers), proxyResponse.Content.Headers.ContentLength);
        ProxiedResponse.Prepare(httpContext, feature);
        return true;
    }

    /// <summary>
    /// Without spans, the gateway is still a hop: same trace, its own parent id. tracestate belongs to the trace,
    /// so it goes along only when the trace is continued (W3C Trace Context §3.3). With spans the handler's client
    /// span writes them.
    /// </summary>
    private static void AddTraceContext(HttpRequest incoming, HttpRequestMessage request)
    {
        request.Headers.Remove(TraceParent.HeaderName);
        request.Headers.Remove(TraceParent.StateHeaderName);
        if (System.Diagnostics.Activity.Current is not null)
        {
            return;
        }

        var traceparent = TraceParent.ForHop(incoming.Headers[TraceParent.HeaderName], out var continued);
        request.Headers.TryAddWithoutValidation(TraceParent.HeaderName, traceparent);
        if (continued && incoming.Headers[TraceParent.StateHeaderName] is { Count: > 0 } state)
        {
            request.Headers.TryAddWithoutValidation(TraceParent.StateHeaderName, (IEnumerable<string?>)state);
        }
    }

    /// <summary>
    /// Revalidating a stale cached response: its ETag and Last-Modified as conditions, unless the client sent
    /// conditions of its own (then the downstream's answer, 304 or not, is the client's).
    /// </summary>
    private static void AddValidators(ProxyFeature feature, HttpRequest incoming, HttpRequestMessage proxyRequest)
    {
        if (feature.Cache is not { Stale: { } stale } cache ||
            incoming.Headers.ContainsKey(HeaderNames.IfNoneMatch) || incoming.Headers.ContainsKey(HeaderNames.IfModifiedSince))
        {
            return;
        }

        if (stale.ETag is { } etag)
        {
            proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.IfNoneMatch, etag);
        }

        if (stale.LastModified is { } modified)
        {
            proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.IfModifiedSince, modified);
        }

        cache.Revalidating = true;
    }

    private static List<RecordedHeader> Recorded(IHeaderDictionary headers)
    {
        var recorded = new List<RecordedHeader>(headers.Count);
        foreach (var (name, values) in headers)
        {
            if (!string.Equals(name, RequestContextMiddleware.HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                recorded.Add(new RecordedHeader(name, values.ToArray()!));
            }
        }

        return recorded;
    }
}
