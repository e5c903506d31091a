using Microsoft.Extensions.Options;
using Silo.Api.Errors;
using Silo.Api.Telemetry;
using Silo.Grains.Idempotency;

namespace Silo.Api.Forwarding;

/// <summary>
/// Sends one request to a downstream endpoint and streams the answer back. Bodies are never buffered in
/// either direction; hop-by-hop headers and the gateway credential are dropped; redirects are returned to
/// the client, not followed. Failures before the response starts become one <see cref="GatewayError"/>;
/// a failure after it started aborts the connection, so a client never takes a truncated body for success.
/// Bodiless idempotent requests may be retried (<see cref="ForwardRequest.Budget"/>); POST and PATCH may
/// carry an Idempotency-Key (<see cref="ForwardRequest.IdempotencyScope"/>).
/// </summary>
public sealed partial class HttpForwarder : IDisposable
{
    // Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
    // retry n waits uniformly in [0, min(cap, base × 2^n)).
    private static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan BackoffCap = TimeSpan.FromMilliseconds(250);

    private readonly HttpMessageInvoker _invoker;
    private readonly ILogger<HttpForwarder> _logger;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly Func<double> _jitter;
    private readonly int _maxRecordBytes;
    private readonly GatewayMetrics? _metrics;

    public HttpForwarder(ILogger<HttpForwarder> logger, IGrainFactory grains, TimeProvider timeProvider, IOptions<IdempotencyOptions> idempotency, GatewayMetrics metrics)
        : this(logger, grains, timeProvider, Random.Shared.NextDouble, idempotency.Value.MaxRecordBytes, metrics)
    {
        // The one place randomness is chosen for production; tests pass their own source.
    }

    internal HttpForwarder(
        ILogger<HttpForwarder> logger, IGrainFactory grains, TimeProvider timeProvider, Func<double> jitter, int maxRecordBytes = 1024 * 1024, GatewayMetrics? metrics = null)
    {
        _metrics = metrics;
        _logger = logger;
        _grains = grains;
        _time = timeProvider;
        _jitter = jitter;
        _maxRecordBytes = maxRecordBytes;
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

            // With spans on, the handler writes traceparent from its client span (a child of the request's
            // server span); with them off there is no span and the forwarder writes its own hop (AddTraceContext).
            ActivityHeadersPropagator = System.Diagnostics.DistributedContextPropagator.CreateDefaultPropagator(),
        });
    }

    /// <summary>
    /// Forwards the request as <paramref name="request"/> says. The outcome is <see cref="ForwardOutcome.Proxied"/>
    /// when a response (downstream or replayed) was written, an error to answer with when nothing was
    /// written, or neither when the exchange was aborted.
    /// </summary>
    public async Task<ForwardOutcome> ForwardAsync(HttpContext context, ForwardRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        if (request.IdempotencyScope is { } scope && IsIdempotencyKeyCandidate(context.Request))
        {
            return await ForwardWithIdempotencyKeyAsync(context, request, scope).ConfigureAwait(false);
        }

        return await ForwardCoreAsync(context, request, capture: null).ConfigureAwait(false);
    }

    public void Dispose() => _invoker.Dispose();

    private async Task<ForwardOutcome> ForwardCoreAsync(HttpContext context, ForwardRequest request, ResponseCapture? capture)
    {
        var mayRetry = request.Budget is not null && request.MaxAttempts > 1 && IsReplayable(context.Request);
        request.Budget?.RecordRequest();
        var target = request.Target(0);
        if (target is null)
        {
            return ForwardOutcome.Failed(GatewayError.NoHealthyEndpoint);
        }

        for (var attempt = 0; ; attempt++)
        {
            var exchange = await SendAsync(context, target, request.Timeout, capture is null ? context.RequestAborted : CancellationToken.None).ConfigureAwait(false);
            if (exchange.ClientAborted)
            {
                Report(request, attempt, target, AttemptResult.ClientAborted, exchange);
                exchange.Dispose();
                return new ForwardOutcome(null, ResponseStarted: false);
            }

            // Retry only what cannot have been half-done and was refused or lost in transit; nothing of the
            // response has been sent yet (the head is written only after this decision).
            if (mayRetry && IsRetryable(exchange) && attempt + 1 < request.MaxAttempts && !context.Response.HasStarted)
            {
                var next = request.Target(attempt + 1);
                if (next is not null && request.Budget!.TryWithdraw())
                {
                    Report(request, attempt, target, AttemptResult.Failure, exchange);
                    exchange.Dispose();
                    LogRetrying(_logger, target.Authority, exchange.StatusCode ?? 0, attempt + 1);
                    CountRetry(request, made: true);
                    try
                    {
                        await Task.Delay(Backoff(attempt), _time, context.RequestAborted).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        LogClientAborted(_logger, next.Authority);
                        return new ForwardOutcome(null, ResponseStarted: false);
                    }

                    target = next;
                    continue;
                }

                if (next is not null)
                {
                    LogRetryBudgetExhausted(_logger, target.Authority);
                    CountRetry(request, made: false);
                }
            }

            if (exchange.Error is { } error)
            {
                Report(request, attempt, target, AttemptResult.Failure, exchange);
                exchange.Dispose();
                return ForwardOutcome.Failed(error);
            }

            return await StreamResponseAsync(context, request, attempt, target, exchange, capture).ConfigureAwait(false);
        }
    }

    private void CountRetry(ForwardRequest request, bool made)
    {
        if (_metrics is null || request.Service is not { } service)
        {
            return;
        }

        if (made)
        {
            _metrics.Retry(service);
        }
        else
        {
            _metrics.RetryBudgetExhausted(service);
        }
    }

    /// <summary>Retry n (0 = the first retry) waits a uniformly random time below min(cap, base × 2^n).</summary>
    internal TimeSpan Backoff(int retry)
    {
        var ceiling = Math.Min(BackoffCap.Ticks, BackoffBase.Ticks << Math.Min(retry, 16));
        return TimeSpan.FromTicks((long)(ceiling * Math.Clamp(_jitter(), 0, 1)));
    }

    private static bool IsRetryable(ForwardExchange exchange) =>
        exchange.Error is not null || exchange.StatusCode is StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout;

    /// <summary>
    /// Safe to send twice: an idempotent method (RFC 9110 §9.2.2) and no body, since a streamed body is read
    /// once and cannot be replayed.
    /// </summary>
    private static bool IsReplayable(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) ||
         HttpMethods.IsPut(request.Method) || HttpMethods.IsDelete(request.Method) || HttpMethods.IsTrace(request.Method)) &&
        !HasBody(request);

    private static void Report(ForwardRequest request, int attempt, Uri target, AttemptResult result, ForwardExchange exchange) =>
        request.AttemptCompleted?.Invoke(new ForwardAttempt(attempt, target, result, exchange.Elapsed, exchange.StatusCode));
}
