using Silo.Api.Endpoints;
using Silo.Api.Hosting;
using Silo.Grains.Idempotency;

namespace Silo.Api.Forwarding;

/// <summary>What every response passed on from a downstream gets, proxied or replayed, before its head is sent.</summary>
internal static class ProxiedResponse
{
    /// <summary>
    /// Undoes what a failed attempt left on the response head (a reason phrase; YARP may have cleared the headers,
    /// the gateway's request id with them) before another attempt or the gateway's own answer.
    /// </summary>
    public static void ResetHead(HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>() is { } head)
        {
            head.ReasonPhrase = null;
        }

        KeepRequestId(context);
    }

    /// <summary>The response's <c>X-Request-Id</c> is the gateway's own, whatever an attempt left there.</summary>
    public static void KeepRequestId(HttpContext context)
    {
        if (GatewayRequest.Of(context) is { } gatewayRequest)
        {
            context.Response.Headers[RequestContextMiddleware.HeaderName] = gatewayRequest.RequestId;
        }
    }

    public static void Prepare(HttpContext context, ProxyFeature feature)
    {
        Prepare(context, feature.Admission);
        if (feature.Cache is { } cache)
        {
            Caching.ResponseCache.OnHead(context, cache, feature.Capture, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        }
    }

    /// <summary>
    /// Answers from a recorded response (an Idempotency-Key replay, a cache hit): its status, headers and body,
    /// <paramref name="extra"/> headers of the gateway's own, and what every proxied response gets; no body to a
    /// HEAD. A client gone while the body is written ends the exchange.
    /// </summary>
    public static async Task WriteRecordedAsync(
        HttpContext context, RecordedResponse recorded, Grains.Admission.AdmissionResult? admission, params (string Name, string Value)[] extra)
    {
        var response = context.Response;
        response.StatusCode = recorded.StatusCode;
        foreach (var header in recorded.Headers)
        {
            response.Headers[header.Name] = header.Values.ToArray();
        }

        foreach (var (name, value) in extra)
        {
            response.Headers[name] = value;
        }

        response.ContentLength = recorded.Body.Length;
        Prepare(context, admission);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        try
        {
            await response.Body.WriteAsync(recorded.Body, context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            context.Abort();
        }
    }

    /// <summary>As for a proxied response, for one answered from a record (the cache's).</summary>
    public static void Prepare(HttpContext context, Grains.Admission.AdmissionResult? admission)
    {
        if (GatewayRequest.Of(context) is { } gatewayRequest)
        {
            gatewayRequest.Proxied = true;
        }

        Cors.CorsMiddleware.RemoveDownstreamCors(context.Response.Headers);
        if (admission is not null)
        {
            RateLimitHeaders.Apply(context.Response, admission);
        }
    }
}
