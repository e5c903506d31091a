namespace Silo.Api.Errors;

/// <summary>The one mapping from <see cref="GatewayError"/> to HTTP status, problem type and title.</summary>
public static class GatewayErrors
{
    public static (int Status, string Type, string Title) Describe(GatewayError error) => error switch
    {
        GatewayError.InvalidJson => (StatusCodes.Status400BadRequest, "invalid-json", "The request body is not valid JSON for this endpoint."),
        GatewayError.InvalidDocument => (StatusCodes.Status400BadRequest, "invalid-document", "The configuration document is not valid YAML or JSON, or a value has the wrong type."),
        GatewayError.ValidationFailed => (StatusCodes.Status400BadRequest, "validation-failed", "One or more fields are invalid."),
        GatewayError.AmbiguousFraming => (StatusCodes.Status400BadRequest, "ambiguous-framing", "The request body length is declared more than once."),
        GatewayError.CostTooHigh => (StatusCodes.Status400BadRequest, "cost-too-high", "The request cost exceeds the capacity of a limit."),
        GatewayError.InvalidIdempotencyKey => (StatusCodes.Status400BadRequest, "invalid-idempotency-key", "The Idempotency-Key header must be one value of 1-255 visible ASCII characters."),
        GatewayError.InvalidRequestBody => (StatusCodes.Status400BadRequest, "invalid-request-body", "The request body could not be read (malformed framing, or cut off)."),
        GatewayError.InvalidHeader => (StatusCodes.Status400BadRequest, "invalid-header", "A request header value has characters that cannot be forwarded (only visible ASCII, space and tab)."),
        GatewayError.InvalidPath => (StatusCodes.Status400BadRequest, "invalid-path", "The path has a dot segment ('.' or '..', in any encoding), which the gateway does not forward."),
        GatewayError.RequestBodyTimeout => (StatusCodes.Status408RequestTimeout, "request-body-timeout", "The request body arrived too slowly."),
        GatewayError.InvalidApiKey => (StatusCodes.Status401Unauthorized, "invalid-api-key", "A valid API key is required."),
        GatewayError.InvalidToken => (StatusCodes.Status401Unauthorized, "invalid-token", "A valid token is required."),
        GatewayError.IdentityProviderUnavailable => (StatusCodes.Status503ServiceUnavailable, "identity-provider-unavailable", "The token's issuer cannot be checked right now; retry shortly."),
        GatewayError.AdminUnauthorized => (StatusCodes.Status401Unauthorized, "admin-unauthorized", "A valid admin token is required."),
        GatewayError.KeyExpired => (StatusCodes.Status403Forbidden, "key-expired", "The API key has expired."),
        GatewayError.OutOfScope => (StatusCodes.Status403Forbidden, "out-of-scope", "The API key or token may not call this service."),
        GatewayError.TenantSuspended => (StatusCodes.Status403Forbidden, "tenant-suspended", "The tenant is suspended."),
        GatewayError.OriginNotAllowed => (StatusCodes.Status403Forbidden, "origin-not-allowed", "No tenant allows calls from this origin."),
        GatewayError.RouteNotFound => (StatusCodes.Status404NotFound, "not-found", "Nothing is served at this path."),
        GatewayError.UnknownService => (StatusCodes.Status404NotFound, "unknown-service", "No such service."),
        GatewayError.UnknownTenant => (StatusCodes.Status404NotFound, "unknown-tenant", "No such tenant."),
        GatewayError.UnknownKey => (StatusCodes.Status404NotFound, "unknown-key", "No such key."),
        GatewayError.UnknownLimit => (StatusCodes.Status404NotFound, "unknown-limit", "The key has no limit of that name."),
        GatewayError.MethodNotAllowed => (StatusCodes.Status405MethodNotAllowed, "method-not-allowed", "The gateway does not serve or forward this method."),
        GatewayError.AlreadyExists => (StatusCodes.Status409Conflict, "already-exists", "A resource with this id already exists."),
        GatewayError.TooManyRotations => (StatusCodes.Status409Conflict, "too-many-rotations", "The key has too many replaced secrets still inside their grace periods."),
        GatewayError.IdempotencyKeyInUse => (StatusCodes.Status409Conflict, "idempotency-key-in-use", "A request with this Idempotency-Key is still being processed."),
        GatewayError.IdempotentResponseNotRecorded => (StatusCodes.Status409Conflict, "idempotent-response-not-recorded", "A request with this Idempotency-Key was processed, but its response was too large to replay."),
        GatewayError.IdempotencyKeyMismatch => (StatusCodes.Status422UnprocessableEntity, "idempotency-key-mismatch", "This Idempotency-Key was used for a different request."),
        GatewayError.PayloadTooLarge => (StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large."),
        GatewayError.UrlTooLong => (StatusCodes.Status414UriTooLong, "url-too-long", "The request URL is too long."),
        GatewayError.HeadersTooLarge => (StatusCodes.Status431RequestHeaderFieldsTooLarge, "headers-too-large", "The request headers are too many or too large."),
        GatewayError.UnsupportedMediaType => (StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The request body must be application/json."),
        GatewayError.RateLimited => (StatusCodes.Status429TooManyRequests, "rate-limited", "Rate limit exceeded."),
        GatewayError.UpstreamFailed => (StatusCodes.Status502BadGateway, "upstream-failed", "The downstream service could not be reached."),
        GatewayError.CircuitOpen => (StatusCodes.Status503ServiceUnavailable, "circuit-open", "The service is failing; the gateway is holding calls back for a moment."),
        GatewayError.NoHealthyEndpoint => (StatusCodes.Status503ServiceUnavailable, "no-healthy-endpoint", "The service has no available endpoint."),
        GatewayError.GatewayUnavailable => (StatusCodes.Status503ServiceUnavailable, "gateway-unavailable", "The gateway cannot decide right now; retry shortly."),
        GatewayError.UpstreamTimeout => (StatusCodes.Status504GatewayTimeout, "upstream-timeout", "The downstream service did not answer in time."),
        _ => (StatusCodes.Status500InternalServerError, "internal", "An unexpected error occurred."),
    };

    /// <summary>The problem type URI of an error.</summary>
    public static string TypeUri(string type) => "urn:silo:problem:" + type;
}
