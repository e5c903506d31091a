using System.Diagnostics;
using Silo.Api.Errors;
using Silo.Api.Telemetry;
using Silo.Grains.Services;
using Yarp.ReverseProxy.Forwarder;

namespace Silo.Api.Forwarding;

/// <summary>
/// Sends a request to a service's endpoints through YARP's <see cref="IHttpForwarder"/> (HTTP/1.1 or 2, WebSocket
/// and other upgrades, trailers, bodies streamed both ways, redirects returned to the client), attempt by attempt:
/// a failed attempt is retried on another endpoint when <see cref="ForwardRetries"/> allows, after a jittered
/// backoff. Each attempt is listed in <see cref="ProxyFeature.Attempts"/>; what a failure means to the client is
/// decided in one place (<see cref="ForwarderErrors"/>).
/// </summary>
public sealed partial class ProxyForwarder : IDisposable
{
    // Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
    // retry n waits uniformly in [0, min(cap, base × 2^n)).
    private static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan BackoffCap = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an upgraded connection (a WebSocket) may carry nothing either way before it is closed.</summary>
    public static readonly TimeSpan TunnelIdleTimeout = TimeSpan.FromMinutes(5);

    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _invoker;
    private readonly ILogger<ProxyForwarder> _logger;
    private readonly TimeProvider _time;
    private readonly Func<double> _jitter;
    private readonly GatewayMetrics? _metrics;

    public ProxyForwarder(IHttpForwarder forwarder, ILogger<ProxyForwarder> logger, TimeProvider timeProvider, GatewayMetrics metrics)
        : this(forwarder, logger, timeProvider, Random.Shared.NextDouble, metrics)
    {
        // The one place randomness is chosen for production; tests pass their own source.
    }

    internal ProxyForwarder(IHttpForwarder forwarder, ILogger<ProxyForwarder> logger, TimeProvider timeProvider, Func<double> jitter, GatewayMetrics? metrics = null)
    {
        _forwarder = forwarder;
        _logger = logger;
        _time = timeProvider;
        _jitter = jitter;
        _metrics = metrics;
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

            // With spans on, the handler writes traceparent from its client span (a child of the request's server
            // span); with them off there is no span and the transformer writes the gateway's own hop.
            ActivityHeadersPropagator = DistributedContextPropagator.CreateDefaultPropagator(),
        }, disposeHandler: true);
    }

    /// <summary>
    /// Forwards the request as <paramref name="feature"/> says. Null when a response was written (or the exchange
    /// was aborted); otherwise the error to answer with, nothing of the response having gone out.
    /// </summary>
    public async Task<GatewayError?> ForwardAsync(HttpContext context, ProxyFeature feature)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(feature);
        var mayRetry = ForwardRetries.MayRetry(context, feature);
        feature.Budget?.RecordRequest();
        var endpoint = feature.Endpoints.Next(previous: null);
        if (endpoint is null)
        {
            return GatewayError.NoHealthyEndpoint;
        }

        for (var attempt = 0; ; attempt++)
        {
            var state = new AttemptState(attempt, endpoint, mayRetry && attempt + 1 < feature.MaxAttempts);
            var (result, answer, retryable) = await SendAsync(context, feature, state).ConfigureAwait(false);
            if (state.RetryTo is not null || (retryable && !context.Response.HasStarted && ForwardRetries.TryPlan(feature, state)))
            {
                LogRetrying(_logger, state.Target?.Authority ?? endpoint.Url, state.StatusCode ?? 0, attempt + 1);
                _metrics?.Retry(feature.Service);
                ResetResponse(context);
                try
                {
                    await Task.Delay(Backoff(attempt), _time, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }

                endpoint = state.RetryTo!;
                continue;
            }

            if (state.BudgetRefused)
            {
                LogRetryBudgetExhausted(_logger, state.Target?.Authority ?? endpoint.Url);
                _metrics?.RetryBudgetExhausted(feature.Service);
            }

            return result == AttemptResult.ClientAborted ? null : answer;
        }
    }

    private async Task<(AttemptResult Result, GatewayError? Answer, bool Retryable)> SendAsync(HttpContext context, ProxyFeature feature, AttemptState state)
    {
        state.Endpoint.BeginRequest();
        feature.Used.Add(state.Endpoint);
        feature.Current = state;
        var started = _time.GetTimestamp();
        var error = await _forwarder.SendAsync(context, state.Endpoint.Url, _invoker, Config(context, feature), GatewayTransformer.Instance).ConfigureAwait(false);
        state.Error = error;
        var (result, answer, retryable) = ForwarderErrors.Classify(error, context.Response.StatusCode);
        if (error == ForwarderError.None && state.StatusCode >= 500)
        {
            // A 5xx counts against the endpoint, whether passed on to the client or discarded for a retry.
            result = AttemptResult.Failure;
        }
        else if (error != ForwarderError.None)
        {
            Log(error, result, state, context.Features.Get<IForwarderErrorFeature>()?.Exception);
        }

        feature.Attempts.Add(new ForwardAttempt(state.Attempt, state.Target ?? ForwardPath.Target(state.Endpoint.Url, feature.PathAndQuery), result, _time.GetElapsedTime(started), state.StatusCode));
        return (result, answer, retryable);
    }

    /// <summary>The version and timeout of one attempt; an upgrade's tunnel may idle longer than a request may wait.</summary>
    private static ForwarderRequestConfig Config(HttpContext context, ProxyFeature feature)
    {
        var upgrade = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>()?.IsUpgradableRequest == true;
        var (version, policy) = feature.HttpVersion switch
        {
            DownstreamHttpVersion.Http2 => (System.Net.HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower),
            DownstreamHttpVersion.Http2PriorKnowledge => (System.Net.HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact),
            _ => (System.Net.HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower),
        };
        return new ForwarderRequestConfig
        {
            ActivityTimeout = upgrade && TunnelIdleTimeout > feature.Timeout ? TunnelIdleTimeout : feature.Timeout,
            Version = version,
            VersionPolicy = policy,
        };
    }

    /// <summary>The failed attempt set a status (and maybe a reason) that the retry's answer must not carry.</summary>
    private static void ResetResponse(HttpContext context)
    {
        ProxiedResponse.ResetHead(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>Retry n (0 = the first retry) waits a uniformly random time below min(cap, base × 2^n).</summary>
    internal TimeSpan Backoff(int retry)
    {
        var ceiling = Math.Min(BackoffCap.Ticks, BackoffBase.Ticks << Math.Min(retry, 16));
        return TimeSpan.FromTicks((long)(ceiling * Math.Clamp(_jitter(), 0, 1)));
    }

    public void Dispose() => _invoker.Dispose();
}
