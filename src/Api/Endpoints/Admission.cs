using Microsoft.Extensions.Options;
using Silo.Grains.Hosting;
using Silo.Api.Auth;
using Silo.Api.Errors;
using Silo.Api.Hosting;
using Silo.Api.Identity;
using Silo.Api.Leases;
using Silo.Api.Telemetry;
using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Endpoints;

/// <summary>
/// Authenticates a data-plane request and admits it: from this front end's lease of the key when it holds one
/// (<see cref="LeaseTable"/>), else by asking the key's grain. A failed authentication spends the
/// client address's budget (<see cref="FailedAuthenticationLimiter"/>) and goes to the <see cref="SecurityLog"/>.
/// </summary>
internal sealed class Admission(
    ApiKeyGrains keys,
    JwtCallers jwt,
    LeaseTable leases,
    IClusterReadiness cluster,
    FailedAuthenticationLimiter failures,
    SecurityLog securityLog,
    GatewayMetrics metrics,
    TrafficHistory traffic,
    IOptions<GrainCallOptions> calls,
    TimeProvider time)
{
    public async Task<AdmissionResult> AdmitAsync(HttpRequest request, long cost, string? service)
    {
        var (credentials, refusal) = await ReadCredentialsAsync(request).ConfigureAwait(false);
        return refusal ?? await AdmitAsync(request, credentials, cost, service).ConfigureAwait(false);
    }

    /// <summary>
    /// The request's credentials: its API key; or, when it has none, a JWT bearer token from an issuer a tenant
    /// registered, validated (<see cref="JwtCallers"/>), standing for its consumer's key (<see cref="ConsumerKeys"/>;
    /// the caller is then in the request's features). A token that fails answers the refusal instead: 401
    /// <c>invalid-token</c>, spending the address's failed-authentication budget, or 503 when the issuer's keys
    /// cannot be had.
    /// </summary>
    public async Task<((string KeyId, string Secret)? Credentials, AdmissionResult? Refusal)> ReadCredentialsAsync(HttpRequest request)
    {
        var apiKey = ReadCredentials(request);
        if (apiKey is not null || JwtBearer(request) is not { } token)
        {
            return (apiKey, null);
        }

        var (caller, failure) = await jwt.AuthenticateAsync(token).ConfigureAwait(false);
        if (caller is not null)
        {
            request.HttpContext.Features.Set(caller);
            return ((caller.ConsumerKeyId, ConsumerKeys.Secret), null);
        }

        var reason = failure switch
        {
            JwtFailure.Malformed => "malformed",
            JwtFailure.UnknownIssuer => "unknown-issuer",
            JwtFailure.NoConsumer => "no-consumer",
            JwtFailure.KeysUnavailable => "keys-unavailable",
            _ => "invalid",
        };
        if (failure == JwtFailure.KeysUnavailable)
        {
            metrics.AuthenticationFailed("jwt-" + reason);
            return (null, new AdmissionResult(AdmissionStatus.IdentityUnavailable, null, LimitDecision.Unlimited, []));
        }

        failures.RecordFailure(request.HttpContext.Connection.RemoteIpAddress);
        securityLog.TokenFailed(request.HttpContext.Connection.RemoteIpAddress, request.Method, request.Path, reason);
        return (null, new AdmissionResult(AdmissionStatus.InvalidToken, null, LimitDecision.Unlimited, []));
    }

    /// <summary>A JWT in <c>Authorization: Bearer</c> of a request without an API key; null otherwise.</summary>
    private static string? JwtBearer(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1 || request.Headers.ContainsKey(ApiKeyCredentials.HeaderName) ||
            authorization[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = value["Bearer ".Length..].Trim();
        return JwtCallers.LooksLikeJwt(token) ? token : null;
    }

    /// <summary>
    /// True when the request's address has spent its failed-authentication budget: callers ask this first and
    /// answer <see cref="TooManyFailuresProblem"/> before anything is looked up.
    /// </summary>
    public bool IsBlocked(HttpRequest request)
    {
        if (!failures.IsBlocked(request.HttpContext.Connection.RemoteIpAddress))
        {
            return false;
        }

        metrics.AuthenticationBlocked("api-key");
        return true;
    }

    /// <summary>Admits with credentials the caller has already read (<see cref="ReadCredentials"/>), after <see cref="IsBlocked"/>.</summary>
    public async Task<AdmissionResult> AdmitAsync(HttpRequest request, (string KeyId, string Secret)? credentials, long cost, string? service)
    {
        var address = request.HttpContext.Connection.RemoteIpAddress;
        var started = time.GetTimestamp();
        if (request.HttpContext.Features.Get<JwtCaller>() is { Services: { } allowed } scoped && service is not null && !allowed.Contains(service))
        {
            // The token's scopes do not name the service: refused before anything is counted.
            return new AdmissionResult(AdmissionStatus.OutOfScope, scoped.TenantId, LimitDecision.Unlimited, []);
        }

        var result = credentials is var (keyId, secret)
            ? await AdmitKeyAsync(request.HttpContext, keyId, ApiKeyFormat.HashSecret(secret), cost, service).ConfigureAwait(false)
            : AdmissionResult.Invalid;
        if (result.Status == AdmissionStatus.InvalidKey && request.HttpContext.Features.Get<JwtCaller>() is { } caller && credentials?.KeyId == caller.ConsumerKeyId)
        {
            // A consumer's first request anywhere: its key grain is made, then asked again.
            await keys.Get(caller.ConsumerKeyId).InitializeAsync(
                caller.TenantId, new ApiKeyDefinition(caller.Consumer, caller.Issuer.ConsumerLimits, [], null), ApiKeyFormat.HashSecret(ConsumerKeys.Secret)).ConfigureAwait(false);
            result = await AdmitKeyAsync(request.HttpContext, caller.ConsumerKeyId, ApiKeyFormat.HashSecret(ConsumerKeys.Secret), cost, service).ConfigureAwait(false);
        }

        if (cost > 0 || !result.IsAllowed)
        {
            // A cost-0 call that passes only authenticated (the route was looked up next); it admitted nothing.
            metrics.Admission(result, time.GetElapsedTime(started));
            traffic.Admission(result, credentials?.KeyId);
        }
        if (result.Status == AdmissionStatus.InvalidKey)
        {
            failures.RecordFailure(address);
            securityLog.ApiKeyFailed(address, request.Method, request.Path);
        }
        else if (result.TenantId is { } tenant && GatewayRequest.Of(request.HttpContext) is { } gatewayRequest)
        {
            gatewayRequest.TenantId = tenant;
            gatewayRequest.KeyId = credentials?.KeyId;
        }

        return result;
    }

    private Task<AdmissionResult> AdmitKeyAsync(HttpContext context, string keyId, byte[] secretHash, long cost, string? service) =>
        leases.AdmitAsync(keyId, keys.Get(keyId), secretHash, cost, service, call => AskKeyAsync(context, call));

    /// <summary>
    /// Asks the key's grain (<paramref name="call"/>). A call the owning silo refused without running it (it is
    /// stopping, or was declared dead) is sent again after a short pause, by when the grain has a new activation elsewhere: a graceful stop
    /// or a rolling restart fails no request. Each attempt is bounded by <c>Grains:CallTimeout</c>, counted here
    /// to the millisecond (Orleans' own deadline is checked once a second, so a call to a frozen silo would end up
    /// to a second later, and the request after it would meet the frozen silo again that much later); a timeout is
    /// sent again once, and only when the cluster changed meanwhile (its answer was likely lost with a silo that
    /// stopped: <see cref="IClusterReadiness.Changes"/>); the pauses add up to well under a second.
    /// </summary>
    private async Task<AdmissionResult> AskKeyAsync(HttpContext context, Func<Task<AdmissionResult>> call)
    {
        var timedOut = false;
        for (var attempt = 0; ; attempt++)
        {
            var changes = cluster.Changes;
            try
            {
                return await call().WaitAsync(calls.Value.CallTimeout, time).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!timedOut && attempt < GrainFailures.RetryPauses.Length && cluster.Changes != changes && !context.RequestAborted.IsCancellationRequested)
            {
                // May have run, with its answer lost: a second unit taken errs towards admitting less.
                timedOut = true;
                metrics.AdmissionRetry("timed-out");
            }
            catch (Exception ex) when (attempt < GrainFailures.RetryPauses.Length && GrainFailures.IsRetryable(ex) && !context.RequestAborted.IsCancellationRequested)
            {
                // Usually a refused call took nothing; but a call pending on a silo declared dead, or one whose
                // refusal raced its completion on a stopping silo (seen once in 10,903 during a rolling restart),
                // may have: then the retry takes a second unit, which errs towards admitting less, never more.
                metrics.AdmissionRetry("refused");
                await Task.Delay(GrainFailures.RetryPauses[attempt], time, context.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The request's well-formed key (id and secret), or null when it has none.</summary>
    public static (string KeyId, string Secret)? ReadCredentials(HttpRequest request) =>
        ApiKeyCredentials.TryRead(request, out var keyId, out var secret) ? (keyId, secret) : null;

    /// <summary>The error a refused admission answers with.</summary>
    public static GatewayError ErrorFor(AdmissionStatus status) => status switch
    {
        AdmissionStatus.Limited => GatewayError.RateLimited,
        AdmissionStatus.Expired => GatewayError.KeyExpired,
        AdmissionStatus.OutOfScope => GatewayError.OutOfScope,
        AdmissionStatus.TenantSuspended => GatewayError.TenantSuspended,
        AdmissionStatus.CostTooHigh => GatewayError.CostTooHigh,
        AdmissionStatus.InvalidToken => GatewayError.InvalidToken,
        AdmissionStatus.IdentityUnavailable => GatewayError.IdentityProviderUnavailable,
        _ => GatewayError.InvalidApiKey,
    };

    /// <summary>Writes the problem for a refused admission, with the rate-limit headers when they apply.</summary>
    public static Task WriteRefusalAsync(HttpContext context, AdmissionResult result)
    {
        RateLimitHeaders.Apply(context.Response, result);
        return Problem.For(ErrorFor(result.Status)).ExecuteAsync(context);
    }

    /// <summary>429 for an address that failed authentication too often; retry after a minute.</summary>
    public static IResult TooManyFailuresProblem() =>
        Problem.For(GatewayError.RateLimited, "Too many failed authentications from this address.", retryAfterSeconds: 60);
}
