namespace Silo.Api.Forwarding;

/// <summary>What <see cref="HttpForwarder.ForwardAsync(HttpContext, ForwardRequest)"/> should do with one client request.</summary>
public sealed class ForwardRequest
{
    /// <summary>The default <see cref="MaxAttempts"/>: 2 (the request and one retry).</summary>
    public const int DefaultMaxAttempts = 2;

    /// <summary>How long each attempt may wait for the response head. The body may stream for longer.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>
    /// The absolute target of an attempt (0 is the first, 1 the first retry, ...), or null when no endpoint is
    /// available: then the forward stops (with <c>NoHealthyEndpoint</c> if it is attempt 0). Scheme and
    /// authority must come from a registered endpoint, never from the request.
    /// </summary>
    public required Func<int, Uri?> Target { get; init; }

    /// <summary>Called once per attempt, for health, outlier and circuit-breaker statistics.</summary>
    public Action<ForwardAttempt>? AttemptCompleted { get; init; }

    /// <summary>Called just before the response head is sent (proxied or replayed), to add headers.</summary>
    public Action<HttpResponse>? OnResponse { get; init; }

    /// <summary>The most attempts, retries included. The default value is 2.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>The budget retries are taken from; null means no retries.</summary>
    public RetryBudget? Budget { get; init; }

    /// <summary>
    /// Enables Idempotency-Key handling for POST and PATCH, with records kept per scope (the tenant id); null
    /// turns it off and the header is simply passed on.
    /// </summary>
    public string? IdempotencyScope { get; init; }

    /// <summary>The service forwarded to, the label of the forward metrics (retries, budget refusals); null counts nothing.</summary>
    public string? Service { get; init; }
}
