namespace Silo.Api.Errors;

/// <summary>Every way the gateway itself answers with an error. <see cref="GatewayErrors"/> maps each to one status.</summary>
public enum GatewayError
{
    /// <summary>400: the request body is not valid JSON or has a value of the wrong type.</summary>
    InvalidJson,

    /// <summary>400: a configuration document is not valid YAML or JSON, or a value has the wrong type.</summary>
    InvalidDocument,

    /// <summary>400: the body parsed but fields are invalid (the problem lists them).</summary>
    ValidationFailed,

    /// <summary>400: the body is framed two ways (Content-Length with Transfer-Encoding, or Content-Length twice).</summary>
    AmbiguousFraming,

    /// <summary>400: the request cost exceeds what any limit of the key or tenant can ever hold.</summary>
    CostTooHigh,

    /// <summary>400: the Idempotency-Key header is not 1-255 visible ASCII characters, or is sent twice.</summary>
    InvalidIdempotencyKey,

    /// <summary>401: no API key, a malformed one, an unknown one or a revoked one (one body for all).</summary>
    InvalidApiKey,

    /// <summary>401: the admin bearer token is missing or wrong.</summary>
    AdminUnauthorized,

    /// <summary>403: the key's expiry has passed.</summary>
    KeyExpired,

    /// <summary>403: the key may not call this service.</summary>
    OutOfScope,

    /// <summary>403: the key's tenant is suspended.</summary>
    TenantSuspended,

    /// <summary>403: a CORS preflight from an origin no tenant allows.</summary>
    OriginNotAllowed,

    /// <summary>404: nothing is served at this path (a gateway path with no such route).</summary>
    RouteNotFound,

    /// <summary>404: no such service.</summary>
    UnknownService,

    /// <summary>404: no such tenant (admin API).</summary>
    UnknownTenant,

    /// <summary>400: the request body could not be read to forward it (malformed chunked framing, cut off).</summary>
    InvalidRequestBody,

    /// <summary>400: a header value with characters that cannot be forwarded (non-ASCII or control characters).</summary>
    InvalidHeader,

    /// <summary>400: a dot segment in the path, in any encoding; never forwarded.</summary>
    InvalidPath,

    /// <summary>408: the request body arrived below the minimum data rate.</summary>
    RequestBodyTimeout,

    /// <summary>404: no such key (admin API).</summary>
    UnknownKey,

    /// <summary>404: the key has no limit of that name (admin API).</summary>
    UnknownLimit,

    /// <summary>405: TRACE (or TRACK), which the gateway neither answers nor forwards.</summary>
    MethodNotAllowed,

    /// <summary>409: a resource with that id exists already.</summary>
    AlreadyExists,

    /// <summary>409: the key has as many replaced secrets inside their grace periods as it may keep; nothing changed.</summary>
    TooManyRotations,

    /// <summary>409: a request with this Idempotency-Key is still in flight; retry once it has finished.</summary>
    IdempotencyKeyInUse,

    /// <summary>409: a request with this Idempotency-Key was executed but its response was too large to record, so it cannot be replayed.</summary>
    IdempotentResponseNotRecorded,

    /// <summary>422: this Idempotency-Key was first used for a different method or target.</summary>
    IdempotencyKeyMismatch,

    /// <summary>413: the body is larger than the endpoint accepts.</summary>
    PayloadTooLarge,

    /// <summary>414: the request target is longer than the gateway accepts.</summary>
    UrlTooLong,

    /// <summary>431: too many request headers, or too many bytes of them.</summary>
    HeadersTooLarge,

    /// <summary>415: the body is not JSON.</summary>
    UnsupportedMediaType,

    /// <summary>429: a rate limit has no room (with Retry-After).</summary>
    RateLimited,

    /// <summary>502: the downstream could not be reached or broke the exchange.</summary>
    UpstreamFailed,

    /// <summary>503: the service's circuit is open (with Retry-After); the downstream is not called.</summary>
    CircuitOpen,

    /// <summary>503: the service has no endpoint to send to.</summary>
    NoHealthyEndpoint,

    /// <summary>503: the grain that decides could not answer in time (overload, shutdown).</summary>
    GatewayUnavailable,

    /// <summary>504: the downstream did not answer within the service's timeout.</summary>
    UpstreamTimeout,

    /// <summary>500: a bug in the gateway; details are only in the log.</summary>
    Internal,

    /// <summary>401: a JWT bearer token that failed validation (one body whatever failed).</summary>
    InvalidToken,

    /// <summary>503: the token's issuer's signing keys cannot be had, or are older than allowed.</summary>
    IdentityProviderUnavailable,
}
