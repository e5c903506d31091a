using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Silo.Api.Errors;
using Silo.Grains.Idempotency;

namespace Silo.Api.Forwarding;

/// <summary>
/// Idempotency-Key for POST and PATCH (draft-ietf-httpapi-idempotency-key-header, Stripe's rules): the first
/// request with a key is forwarded and its response recorded in the key's grain; a repeat within 24 hours gets
/// that response replayed (<c>Idempotency-Replayed: true</c>) and never reaches the downstream; a repeat while
/// the first is in flight gets 409; the same key for another method or target gets 422. Once forwarded, the
/// first request runs to its answer and is recorded even if its client hangs up, so the client's retry is
/// replayed rather than executed twice.
/// </summary>
public sealed partial class IdempotentForwarding(IGrainFactory grains, ProxyForwarder forwarder, IOptions<IdempotencyOptions> options, ILogger<IdempotentForwarding> logger)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";

    // How long a claim blocks its key without being settled: covers the response wait and a long body; after
    // it a front end that died mid-request no longer holds the key.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly int _maxRecordBytes = options.Value.MaxRecordBytes;

    /// <summary>Whether the request is one this applies to: POST or PATCH with the header.</summary>
    public static bool Applies(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method)) && request.Headers.ContainsKey(KeyHeader);

    /// <summary>Forwards, replays or refuses the request; as <see cref="ProxyForwarder.ForwardAsync"/> for the result.</summary>
    public async Task<GatewayError?> ForwardAsync(HttpContext context, ProxyFeature feature, string scope)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(feature);
        var values = context.Request.Headers[KeyHeader];
        if (values.Count != 1 || !IdempotencyKeys.IsValid(values[0]))
        {
            return GatewayError.InvalidIdempotencyKey;
        }

        var grain = grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey(scope, values[0]!));
        var claim = await grain.ClaimAsync(Fingerprint(context.Request), Lease);
        switch (claim.Status)
        {
            case IdempotencyClaimStatus.Replay:
                // A service with a cache policy says so on every response, a replay too (fwd=method).
                await ProxiedResponse.WriteRecordedAsync(
                    context,
                    claim.Response!,
                    feature.Admission,
                    feature.Cache?.Status is { } cacheStatus ? [(ReplayedHeader, "true"), (Caching.CacheStatus.HeaderName, cacheStatus)] : [(ReplayedHeader, "true")]);
                return null;
            case IdempotencyClaimStatus.InFlight:
                return GatewayError.IdempotencyKeyInUse;
            case IdempotencyClaimStatus.NotRecorded:
                return GatewayError.IdempotentResponseNotRecorded;
            case IdempotencyClaimStatus.Mismatch:
                return GatewayError.IdempotencyKeyMismatch;
            case IdempotencyClaimStatus.Acquired:
            default:
                break;
        }

        var capture = new ResponseCapture(_maxRecordBytes);
        try
        {
            return await ResponseRecording.ForwardAsync(forwarder, context, feature, capture, detach: true);
        }
        finally
        {
            await SettleAsync(grain, claim.Lease, capture, scope);
        }
    }

    /// <summary>
    /// Records what the downstream definitively answered; releases the key when it did not answer (connect
    /// failure, timeout, client gone before the head) or answered 502/503/504, so the client may try again.
    /// </summary>
    private async Task SettleAsync(IIdempotencyGrain grain, Guid lease, ResponseCapture capture, string scope)
    {
        try
        {
            if (capture.StatusCode is null or StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout)
            {
                await grain.ReleaseAsync(lease);
            }
            else
            {
                // Null when the body was over the limit or broke off: executed, but nothing to replay.
                await grain.CompleteAsync(lease, capture.ToRecorded());
            }
        }
        catch (Exception ex) when (GrainFailures.IsTransient(ex))
        {
            LogSettleFailed(logger, ex, scope);
        }
    }

    /// <summary>Method and target as the client sent them, hashed: the key may only be reused for the same call.</summary>
    private static string Fingerprint(HttpRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Method} {request.PathBase}{request.Path}{request.QueryString}")));

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Could not settle an Idempotency-Key record of scope {Scope}; it stays in flight until its lease ends")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string scope);
}
