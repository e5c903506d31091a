using Silo.Api.Auth;
using Silo.Api.Contracts;
using Silo.Api.Errors;
using Silo.Api.Json;
using Silo.Api.Validation;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.Grains;

namespace Silo.Api.Endpoints;

/// <summary><c>/admin/tenants/{tenant}/keys</c> and <c>/admin/keys/{keyId}</c>.</summary>
internal static partial class KeyEndpoints
{
    public const int MaxNameLength = 200;
    public const int MaxScopes = 64;

    public static void MapKeyEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapPost("/tenants/{tenant}/keys", CreateAsync)
            .JsonBody<CreateKeyRequest>().Produces<CreateKeyResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Create an API key; the full key is in this response only");
        admin.MapGet("/keys/{keyId}", GetAsync)
            .Produces<ApiKeyInfo>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A key: status, tenant, limits, usage (never the secret)");
        admin.MapPost("/keys/{keyId}/rotate", RotateAsync)
            .JsonBody<RotateKeyRequest>().Produces<RotateKeyResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Rotate a key's secret; the old one stays valid for the grace period");
        admin.MapPost("/keys/{keyId}/revoke", RevokeAsync)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Revoke a key, cluster-wide from the next request");
        admin.MapPost("/keys/{keyId}/limits/{limit}/reset", ResetLimitAsync)
            .Produces<ApiKeyInfo>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Start one of the key's limits afresh (its whole quota available again); audited");
    }

    private static async Task<IResult> CreateAsync(string tenant, HttpRequest request, IGrainFactory grains, TimeProvider time, ILoggerFactory loggers)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateKeyRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (!Identifiers.IsSlug(tenant))
        {
            return Problem.For(GatewayError.UnknownTenant);
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Validate(body!, time, string.Empty, errors, newExpiry: true);
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var definition = new ApiKeyDefinition(body!.Name ?? "default", body.Limits ?? [], body.Scopes ?? [], body.ExpiresAt);
        var (status, created) = await CreateKeyAsync(grains, tenant, definition);
        switch (status)
        {
            case CreateKeyStatus.TenantNotFound:
                return Problem.For(GatewayError.UnknownTenant);
            case CreateKeyStatus.Created:
                LogKeyCreated(loggers.CreateLogger("Silo.Api.Audit"), tenant, created!.Id);
                return TypedResults.Json(created, GatewayJson.Options, statusCode: StatusCodes.Status201Created)
                    .WithLocation($"/admin/keys/{created.Id}");
            default:
                return Problem.For(GatewayError.AlreadyExists, "Could not allocate a key id; retry.");
        }
    }

    /// <summary>
    /// Creates a key of <paramref name="tenant"/> with a new id and secret; the answer holds the full key, shown
    /// this once. A key id collision (12 random base62 characters) is practically impossible; retried once anyway.
    /// </summary>
    internal static async Task<(CreateKeyStatus Status, CreateKeyResponse? Created)> CreateKeyAsync(IGrainFactory grains, string tenant, ApiKeyDefinition definition)
    {
        var tenantGrain = grains.GetGrain<ITenantGrain>(tenant);
        var status = CreateKeyStatus.KeyIdTaken;
        for (var attempt = 0; attempt < 2 && status == CreateKeyStatus.KeyIdTaken; attempt++)
        {
            var (keyId, key, secret) = ApiKeyFormat.Generate();
            status = await tenantGrain.CreateKeyAsync(keyId, definition, ApiKeyFormat.HashSecret(secret));
            if (status == CreateKeyStatus.Created)
            {
                var info = await grains.GetGrain<IApiKeyGrain>(keyId).GetAsync();
                return (status, new CreateKeyResponse(keyId, key, tenant, info!.Name, info.Status, info.Limits, info.Scopes, info.CreatedAt, info.ExpiresAt));
            }
        }

        return (status, null);
    }

    private static async Task<IResult> GetAsync(string keyId, IGrainFactory grains)
    {
        var info = ApiKeyFormat.IsKeyId(keyId) ? await grains.GetGrain<IApiKeyGrain>(keyId).GetAsync() : null;
        return info is null
            ? Problem.For(GatewayError.UnknownKey)
            : TypedResults.Json(info, GatewayJson.Options);
    }

    private static async Task<IResult> RotateAsync(string keyId, HttpRequest request, IGrainFactory grains, TimeProvider time, ILoggerFactory loggers)
    {
        var (body, error) = await JsonBody.ReadAsync<RotateKeyRequest>(request, optional: true);
        if (error is not null)
        {
            return error;
        }

        var grace = body?.GracePeriodSeconds ?? RotateKeyRequest.DefaultGracePeriodSeconds;
        if (grace is < 0 or > RotateKeyRequest.MaxGracePeriodSeconds)
        {
            return Problem.Validation(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["gracePeriodSeconds"] = $"Must be between 0 and {RotateKeyRequest.MaxGracePeriodSeconds}.",
            });
        }

        if (!ApiKeyFormat.IsKeyId(keyId))
        {
            return Problem.For(GatewayError.UnknownKey);
        }

        var (key, secret) = ApiKeyFormat.GenerateForKeyId(keyId);
        switch (await grains.GetGrain<IApiKeyGrain>(keyId).RotateAsync(ApiKeyFormat.HashSecret(secret), TimeSpan.FromSeconds(grace)))
        {
            case RotationStatus.NotFound:
                return Problem.For(GatewayError.UnknownKey, "No such key, or it is revoked.");
            case RotationStatus.TooManyPending:
                return Problem.For(
                    GatewayError.TooManyRotations,
                    $"{IApiKeyGrain.MaxGracedSecrets} replaced secrets are still inside their grace periods; retry when one ends, or rotate with gracePeriodSeconds 0.");
            default:
                break;
        }

        LogKeyRotated(loggers.CreateLogger("Silo.Api.Audit"), keyId, grace);
        var validUntil = grace > 0 ? time.GetUtcNow().AddSeconds(grace) : (DateTimeOffset?)null;
        return TypedResults.Json(new RotateKeyResponse(keyId, key, validUntil), GatewayJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation($"/admin/keys/{keyId}");
    }

    private static async Task<IResult> RevokeAsync(string keyId, IGrainFactory grains, ILoggerFactory loggers)
    {
        if (!ApiKeyFormat.IsKeyId(keyId) || !await grains.GetGrain<IApiKeyGrain>(keyId).RevokeAsync())
        {
            return Problem.For(GatewayError.UnknownKey);
        }

        LogKeyRevoked(loggers.CreateLogger("Silo.Api.Audit"), keyId);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ResetLimitAsync(string keyId, string limit, IGrainFactory grains, ILoggerFactory loggers)
    {
        if (!ApiKeyFormat.IsKeyId(keyId))
        {
            return Problem.For(GatewayError.UnknownKey);
        }

        var grain = grains.GetGrain<IApiKeyGrain>(keyId);
        switch (await grain.ResetLimitAsync(limit))
        {
            case LimitResetStatus.KeyNotFound:
                return Problem.For(GatewayError.UnknownKey);
            case LimitResetStatus.LimitNotFound:
                return Problem.For(GatewayError.UnknownLimit, $"The key has no limit named '{limit}'.");
            default:
                LogLimitReset(loggers.CreateLogger("Silo.Api.Audit"), keyId, limit);
                return TypedResults.Json(await grain.GetAsync(), GatewayJson.Options);
        }
    }

    /// <summary>
    /// Checks a key's fields into <paramref name="errors"/>, each named after <paramref name="prefix"/>; the
    /// expiry must be in the future only when it is <paramref name="newExpiry"/> (a key kept as it is may have
    /// expired since).
    /// </summary>
    internal static void Validate(CreateKeyRequest body, TimeProvider time, string prefix, IDictionary<string, string> errors, bool newExpiry)
    {
        if (body.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength))
        {
            errors[prefix + "name"] = $"1-{MaxNameLength} characters.";
        }

        LimitValidation.Validate(body.Limits, prefix + "limits", errors);
        if (body.Scopes is { } scopes)
        {
            if (scopes.Count > MaxScopes)
            {
                errors[prefix + "scopes"] = $"At most {MaxScopes} scopes are allowed.";
            }
            else
            {
                for (var i = 0; i < scopes.Count; i++)
                {
                    if (!Identifiers.IsSlug(scopes[i]))
                    {
                        errors[$"{prefix}scopes[{i}]"] = "Must be a service id: " + Identifiers.Description;
                    }
                }
            }
        }

        if (newExpiry && body.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            errors[prefix + "expiresAt"] = "Must be in the future.";
        }
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Audit: key {KeyId} rotated, old secret valid {GraceSeconds} s more")]
    private static partial void LogKeyRotated(ILogger logger, string keyId, int graceSeconds);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Audit: key {KeyId} revoked")]
    private static partial void LogKeyRevoked(ILogger logger, string keyId);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Audit: key {KeyId} limit {Limit} reset")]
    private static partial void LogLimitReset(ILogger logger, string keyId, string limit);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Audit: key {KeyId} created for tenant {TenantId}")]
    private static partial void LogKeyCreated(ILogger logger, string tenantId, string keyId);
}
