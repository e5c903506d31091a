using Microsoft.AspNetCore.Http.Features;
using Silo.Api.Errors;

namespace Silo.Api.Forwarding;

/// <summary>A forward whose response is recorded while it streams to the client: for Idempotency-Key replay and for the response cache.</summary>
internal static class ResponseRecording
{
    /// <summary>
    /// Forwards with the response body recorded as it streams; with <paramref name="detach"/> the client's leaving
    /// does not cancel the exchange (the response is read to its end and recorded all the same).
    /// </summary>
    public static async Task<GatewayError?> ForwardAsync(ProxyForwarder forwarder, HttpContext context, ProxyFeature feature, ResponseCapture capture, bool detach)
    {
        var features = context.Features;
        var lifetime = features.Get<IHttpRequestLifetimeFeature>()!;
        var body = features.Get<IHttpResponseBodyFeature>()!;
        var recording = new RecordingResponseBody(body, capture);
        if (detach)
        {
            features.Set<IHttpRequestLifetimeFeature>(new DetachedLifetime(lifetime));
        }

        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(recording, body));
        feature.Capture = capture;
        GatewayError? error;
        try
        {
            error = await forwarder.ForwardAsync(context, feature);
        }
        finally
        {
            features.Set(lifetime);
            features.Set(body);
        }

        var last = feature.Attempts.Count > 0 ? feature.Attempts[feature.Attempts.Count - 1] : null;
        if (recording.ClientGone)
        {
            if (last is not null && last.Result == AttemptResult.Success)
            {
                feature.Attempts[feature.Attempts.Count - 1] = last with { Result = AttemptResult.ClientAborted };
            }

            context.Abort();
        }

        // Read to its end (the client there or not): whole, and so replayable when small enough.
        if (feature.Attempts.Count > 0 && feature.Current.Error == Yarp.ReverseProxy.Forwarder.ForwarderError.None && feature.Current.RetryTo is null)
        {
            capture.Complete();
        }

        return error;
    }

}
