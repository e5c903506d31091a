using Microsoft.AspNetCore.Http;

namespace Silo.Signing;

/// <summary>
/// Lets through only requests signed by the gateway (<see cref="SignatureVerifier"/>); others get 401 with a
/// problem body that does not say which check failed. The verification (with the caller's tenant and key id)
/// is in the request's features for the application.
/// </summary>
public sealed class SignatureVerificationMiddleware(RequestDelegate next, SignatureVerifier verifier)
{
    public const string ProblemType = "urn:silo:problem:bad-signature";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var verification = await verifier.VerifyAsync(context).ConfigureAwait(false);
        if (!verification.IsValid)
        {
            await WriteRefusalAsync(context).ConfigureAwait(false);
            return;
        }

        context.Features.Set(verification);
        await next(context).ConfigureAwait(false);
    }

    /// <summary>401 as problem+json, the same body for every failure.</summary>
    public static Task WriteRefusalAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            type: ProblemType,
            title: "The request is not signed by the gateway.").ExecuteAsync(context);
    }
}
