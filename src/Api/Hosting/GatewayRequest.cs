namespace Silo.Api.Hosting;

/// <summary>
/// What the gateway knows about one request, as a typed feature (<c>HttpContext.Features</c>): set by the step
/// that learns it, read by the steps after (CORS, security headers, the request log line).
/// </summary>
public sealed class GatewayRequest(string requestId)
{
    /// <summary>The request's <c>X-Request-Id</c>: the client's when valid, else generated.</summary>
    public string RequestId { get; } = requestId;

    /// <summary>The tenant of the key that authenticated, once admission knows it.</summary>
    public string? TenantId { get; set; }

    /// <summary>The id (never the secret) of the key that authenticated.</summary>
    public string? KeyId { get; set; }

    /// <summary>True once a downstream's response is being passed through.</summary>
    public bool Proxied { get; set; }

    public static GatewayRequest? Of(HttpContext context) => context?.Features.Get<GatewayRequest>();
}
