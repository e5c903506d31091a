using System.Security.Cryptography;
using System.Text;
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
public sealed partial class HttpForwarder
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string IdempotencyReplayedHeader = "Idempotency-Replayed";

    // How long a claim blocks its key without being settled: covers the response wait and a long body; after
    // it a front end that died mid-request no longer holds the key.
    private static readonly TimeSpan IdempotencyLease = TimeSpan.FromMinutes(5);

    private static bool IsIdempotencyKeyCandidate(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method)) &&
        request.Headers.ContainsKey(IdempotencyKeyHeader);

    private async Task<ForwardOutcome> ForwardWithIdempotencyKeyAsync(HttpContext context, ForwardRequest request, string scope)
    {
        var values = context.Request.Headers[IdempotencyKeyHeader];
        if (values.Count != 1 || !IdempotencyKeys.IsValid(values[0]))
        {
            return ForwardOutcome.Failed(GatewayError.InvalidIdempotencyKey);
        }

        var grain = _grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey(scope, values[0]!));
        var claim = await grain.ClaimAsync(Fingerprint(context.Request), IdempotencyLease).ConfigureAwait(false);
        switch (claim.Status)
        {
            case IdempotencyClaimStatus.Replay:
                return await ReplayAsync(context, request, claim.Response!).ConfigureAwait(false);
            case IdempotencyClaimStatus.InFlight:
                return ForwardOutcome.Failed(GatewayError.IdempotencyKeyInUse);
            case IdempotencyClaimStatus.NotRecorded:
                return ForwardOutcome.Failed(GatewayError.IdempotentResponseNotRecorded);
            case IdempotencyClaimStatus.Mismatch:
                return ForwardOutcome.Failed(GatewayError.IdempotencyKeyMismatch);
            case IdempotencyClaimStatus.Acquired:
            default:
                break;
        }

        var capture = new ResponseCapture(_maxRecordBytes);
        try
        {
            return await ForwardCoreAsync(context, request, capture).ConfigureAwait(false);
        }
        finally
        {
            await SettleAsync(grain, claim.Lease, capture, scope).ConfigureAwait(false);
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
                await grain.ReleaseAsync(lease).ConfigureAwait(false);
            }
            else
            {
                // Null when the body was over the limit or broke off: executed, but nothing to replay.
                await grain.CompleteAsync(lease, capture.ToRecorded()).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (GrainFailures.IsTransient(ex))
        {
            LogIdempotencySettleFailed(_logger, ex, scope);
        }
    }

    private static async Task<ForwardOutcome> ReplayAsync(HttpContext context, ForwardRequest request, RecordedResponse recorded)
    {
        var response = context.Response;
        response.StatusCode = recorded.StatusCode;
        foreach (var header in recorded.Headers)
        {
            response.Headers[header.Name] = header.Values.ToArray();
        }

        response.ContentLength = recorded.Body.Length;
        response.Headers[IdempotencyReplayedHeader] = "true";
        request.OnResponse?.Invoke(response);
        try
        {
            await response.Body.WriteAsync(recorded.Body, context.RequestAborted).ConfigureAwait(false);
            return ForwardOutcome.Proxied;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            context.Abort();
            return new ForwardOutcome(null, ResponseStarted: true);
        }
    }

    /// <summary>Method and target as the client sent them, hashed: the key may only be reused for the same call.</summary>
    private static string Fingerprint(HttpRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Method} {request.PathBase}{request.Path}{request.QueryString}")));
}
