using System.Security.Cryptography;
using Silo.Api.Contracts;
using Silo.Api.Errors;
using Silo.Api.Json;
using Silo.Api.Routing;
using Silo.Api.Validation;
using Silo.Grains.Services;

namespace Silo.Api.Endpoints;

/// <summary>
/// <c>/admin/services/{service}/signing-keys</c>: make a service's forwarded requests signed (RFC 9421,
/// hmac-sha256), rotate the secret with an overlap, or stop signing. Secrets are shown once, when made.
/// </summary>
internal static partial class SigningKeyEndpoints
{
    public static void MapSigningKeyEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapPost("/services/{service}/signing-keys", AddAsync)
            .JsonBody<AddSigningKeyRequest>().Produces<AddSigningKeyResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Sign the service's forwarded requests with a new secret (shown once); keys signing now go on beside it for the overlap");
        admin.MapDelete("/services/{service}/signing-keys", RemoveAsync)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Stop signing the service's forwarded requests (every key goes)");
    }

    private static async Task<IResult> AddAsync(string service, HttpRequest request, IGrainFactory grains, ServiceCatalog catalog, RoutingTable routes, TimeProvider time, ILoggerFactory loggers)
    {
        var (body, error) = await JsonBody.ReadAsync<AddSigningKeyRequest>(request, optional: true);
        if (error is not null)
        {
            return error;
        }

        var overlap = body?.OverlapSeconds ?? AddSigningKeyRequest.DefaultOverlapSeconds;
        if (overlap is < 0 or > AddSigningKeyRequest.MaxOverlapSeconds)
        {
            return Problem.Validation(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["overlapSeconds"] = $"Must be between 0 and {AddSigningKeyRequest.MaxOverlapSeconds}.",
            });
        }

        var grain = grains.GetGrain<IServiceGrain>(service);
        var info = ServiceValidation.IsServiceId(service) && await catalog.IsRegisteredAsync(service) ? await grain.GetAsync() : null;
        if (info is null)
        {
            return Problem.For(GatewayError.UnknownService);
        }

        var now = time.GetUtcNow();
        if (overlap > 0 && (info.Signing ?? []).Count(k => k.RetiresAt is not { } r || r > now) >= AddSigningKeyRequest.MaxKeys)
        {
            return Problem.For(GatewayError.TooManyRotations, $"The service already signs with {AddSigningKeyRequest.MaxKeys} keys; wait for one to retire, or rotate with overlapSeconds 0.");
        }

        var keyId = "sig_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = RandomNumberGenerator.GetBytes(32);
        var keys = await grain.AddSigningKeyAsync(keyId, secret, TimeSpan.FromSeconds(overlap));
        if (keys is null)
        {
            return Problem.For(GatewayError.UnknownService);
        }

        routes.Invalidate(service);
        LogSigningKeyAdded(loggers.CreateLogger("Silo.Api.Audit"), service, keyId, overlap);
        return TypedResults.Json(new AddSigningKeyResponse(keyId, Convert.ToBase64String(secret), keys), GatewayJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RemoveAsync(string service, IGrainFactory grains, ServiceCatalog catalog, RoutingTable routes, ILoggerFactory loggers)
    {
        if (!ServiceValidation.IsServiceId(service) || !await catalog.IsRegisteredAsync(service) ||
            !await grains.GetGrain<IServiceGrain>(service).RemoveSigningKeysAsync())
        {
            return Problem.For(GatewayError.UnknownService);
        }

        routes.Invalidate(service);
        LogSigningStopped(loggers.CreateLogger("Silo.Api.Audit"), service);
        return TypedResults.NoContent();
    }

    [LoggerMessage(EventId = 230, Level = LogLevel.Information, Message = "Audit: service {Service} signs with new key {KeyId}; earlier keys go on for {OverlapSeconds} s")]
    private static partial void LogSigningKeyAdded(ILogger logger, string service, string keyId, int overlapSeconds);

    [LoggerMessage(EventId = 231, Level = LogLevel.Information, Message = "Audit: service {Service} no longer signs its forwarded requests")]
    private static partial void LogSigningStopped(ILogger logger, string service);
}
