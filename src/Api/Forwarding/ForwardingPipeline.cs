using Silo.Api.Errors;

namespace Silo.Api.Forwarding;

/// <summary>
/// The forward step of a proxied request: with an Idempotency-Key through <see cref="IdempotentForwarding"/>,
/// otherwise straight to the <see cref="ProxyForwarder"/>; every endpoint an attempt went to counts as in flight
/// until the whole exchange is over.
/// </summary>
public sealed class ForwardingPipeline(ProxyForwarder forwarder, IdempotentForwarding idempotency, Caching.ResponseCache responses)
{
    /// <summary>Null when a response was written or the exchange aborted; otherwise the error to answer with.</summary>
    public async Task<GatewayError?> ForwardAsync(HttpContext context, ProxyFeature feature)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(feature);
        try
        {
            if (feature.IdempotencyScope is { } scope && IdempotentForwarding.Applies(context.Request))
            {
                return await idempotency.ForwardAsync(context, feature, scope);
            }

            if (feature.Cache is not { Store: true } cache)
            {
                return await forwarder.ForwardAsync(context, feature);
            }

            // A response the cache may keep is recorded as it streams (the client's leaving ends it, unstored); a 304
            // to the cache's own conditions confirms its stale copy, which is answered instead.
            var error = await ResponseRecording.ForwardAsync(forwarder, context, feature, new ResponseCapture(cache.Policy.MaxEntryBytes), detach: false);
            if (error is null && cache.NotModified is not null && !context.Response.HasStarted)
            {
                await responses.AnswerNotModifiedAsync(context, cache, feature.Admission);
            }

            return error;
        }
        finally
        {
            foreach (var endpoint in feature.Used)
            {
                endpoint.EndRequest();
            }
        }
    }

    /// <summary>Writes <paramref name="error"/> as a problem when nothing of a response has gone out.</summary>
    public static Task AnswerAsync(HttpContext context, ProxyFeature feature, GatewayError? error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(feature);
        if (error is not { } e || context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        ProxiedResponse.ResetHead(context);
        if (feature.Admission is { } admission)
        {
            Endpoints.RateLimitHeaders.Apply(context.Response, admission);
        }

        return Problem.WriteAsync(context, e, retryAfterSeconds: e == GatewayError.NoHealthyEndpoint ? 1 : null);
    }
}
