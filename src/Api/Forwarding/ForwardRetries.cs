using Microsoft.AspNetCore.Http.Features;

namespace Silo.Api.Forwarding;

/// <summary>
/// When a failed attempt is tried again: only a request that cannot have been half-done (an idempotent method,
/// RFC 9110 §9.2.2, without a body, since a streamed body is read once), refused or lost in transit (no answer,
/// or 502/503/504) before anything of the response went out, with attempts left, another endpoint to go to and
/// room in the service's retry budget.
/// </summary>
internal static class ForwardRetries
{
    public static bool IsRetryableStatus(int status) =>
        status is StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout;

    /// <summary>Whether the request may be sent more than once at all.</summary>
    public static bool MayRetry(HttpContext context, ProxyFeature feature) =>
        feature.Budget is not null && feature.MaxAttempts > 1 && IsReplayable(context.Request);

    /// <summary>
    /// Decides the retry of a failed <paramref name="attempt"/>: picks the next endpoint and takes the retry from
    /// the budget. True (with <see cref="AttemptState.RetryTo"/> set) when it goes.
    /// </summary>
    public static bool TryPlan(ProxyFeature feature, AttemptState attempt)
    {
        if (!attempt.MayRetry)
        {
            return false;
        }

        var next = feature.Endpoints.Next(attempt.Endpoint);
        if (next is null)
        {
            return false;
        }

        if (!feature.Budget!.TryWithdraw())
        {
            attempt.BudgetRefused = true;
            return false;
        }

        attempt.RetryTo = next;
        return true;
    }

    private static bool IsReplayable(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) ||
         HttpMethods.IsPut(request.Method) || HttpMethods.IsDelete(request.Method)) &&
        !HasBody(request);

    /// <summary>A declared body: Content-Length above 0 or any Transfer-Encoding (or a body the server detected).</summary>
    internal static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 ||
        request.Headers.TransferEncoding.Count > 0 ||
        (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);
}
