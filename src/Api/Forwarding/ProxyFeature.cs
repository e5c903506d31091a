using Silo.Api.LoadBalancing;
using Silo.Grains.Admission;
using Silo.Grains.Services;

namespace Silo.Api.Forwarding;

/// <summary>
/// One proxied request as the proxy's steps see it (the shape of YARP's <c>IReverseProxyFeature</c>), in the
/// request's features from admission on: what was admitted and where it may go; picking, forwarding and
/// reporting read it, and the forward fills in each attempt and how it ended.
/// </summary>
public sealed class ProxyFeature
{
    /// <summary>The most attempts of one request (the request and one retry).</summary>
    public const int DefaultMaxAttempts = 2;

    /// <summary>The service's id, the label of its metrics.</summary>
    public required string Service { get; init; }

    /// <summary>
    /// The request's path after the service's segment and its query, exactly as the client encoded them
    /// (<see cref="ForwardPath"/>); appended to the endpoint's base URL.
    /// </summary>
    public required string PathAndQuery { get; init; }

    /// <summary>Where the attempts go.</summary>
    public required IEndpointSelection Endpoints { get; init; }

    /// <summary>How long the downstream may stay silent: before the response head, and between body reads.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>The HTTP spoken to the endpoints.</summary>
    public DownstreamHttpVersion HttpVersion { get; init; }

    /// <summary>The admission that let the request in; its rate-limit headers go on the response. Null: none to add.</summary>
    public AdmissionResult? Admission { get; init; }

    /// <summary>The half-open circuit's probe grant this request carries, if it is the probe.</summary>
    public long? ProbeToken { get; init; }

    /// <summary>The most attempts, retries included.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>The budget retries are taken from; null means no retries.</summary>
    public RetryBudget? Budget { get; init; }

    /// <summary>Idempotency-Key records are kept per scope (the tenant id); null passes the header on untouched.</summary>
    public string? IdempotencyScope { get; init; }

    /// <summary>How attempts are signed for the downstream; null: the service does not sign.</summary>
    internal ForwardSigning? Signing { get; init; }

    /// <summary>Every attempt made, in order, with how it ended.</summary>
    public IList<ForwardAttempt> Attempts { get; } = [];

    /// <summary>Every endpoint an attempt went to; each counts as in flight until the forward is over.</summary>
    public IList<EndpointLoad> Used { get; } = [];

    /// <summary>The attempt under way (for the transformer).</summary>
    internal AttemptState Current { get; set; } = null!;

    /// <summary>Records the response for Idempotency-Key replay, when the request carries a key.</summary>
    internal ResponseCapture? Capture { get; set; }

    /// <summary>The response cache's part in the request; null when the service has no cache policy.</summary>
    public Caching.CachePlan? Cache { get; init; }

    public static ProxyFeature? Of(HttpContext context) => context?.Features.Get<ProxyFeature>();
}
