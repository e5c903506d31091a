using Silo.Api.Routing;
using Silo.Signing;

namespace Silo.Api.Demo;

/// <summary>
/// A small downstream built into the embedded default (<c>/_demo/echo/...</c>), so the seeded demo service
/// has something to proxy to. It answers with what it received. Mapped only when demo seeding is on.
/// The leading underscore keeps it out of the service namespace (service ids cannot contain '_').
/// While the demo service signs its forwarded requests (it does from the seed on), the echo verifies each
/// with <see cref="SignatureVerifier"/> as any downstream would, using the keys the gateway signs with, and
/// answers 401 to a request the gateway did not sign; it shows who the gateway admitted.
/// </summary>
internal static class DemoEchoEndpoints
{
    public const string BasePath = "/_demo/echo";

    public static void MapDemoEcho(this IEndpointRouteBuilder app)
    {
        var routes = app.ServiceProvider.GetRequiredService<RoutingTable>();
        var options = new SignatureVerifierOptions
        {
            KeyResolver = keyId => routes.TryGetCached(DemoSeeder.ServiceId)?.Snapshot.SigningKeys?.FirstOrDefault(k => k.KeyId == keyId)?.Secret,
        };
        var verifier = new SignatureVerifier(options, app.ServiceProvider.GetRequiredService<TimeProvider>());
        app.Map(BasePath + "/{**path}", async (HttpContext context) =>
        {
            SignatureVerification? signature = null;
            if (routes.TryGetCached(DemoSeeder.ServiceId)?.Snapshot.SigningKeys is { Count: > 0 } ||
                context.Request.Headers.ContainsKey(SiloSignature.SignatureInputHeader))
            {
                signature = await verifier.VerifyAsync(context);
                if (!signature.IsValid)
                {
                    await SignatureVerificationMiddleware.WriteRefusalAsync(context);
                    return Results.Empty;
                }
            }

            long received = 0;
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                received += read;
            }

            return TypedResults.Json(new
            {
                service = "echo",
                method = context.Request.Method,
                path = context.Request.Path.Value![BasePath.Length..] is { Length: > 0 } rest ? rest : "/",
                query = context.Request.QueryString.Value,
                bodyBytes = received,
                forwardedFor = context.Request.Headers["X-Forwarded-For"].ToString(),
                signature = signature is null ? null : new { verified = true, signature.KeyId, tenant = signature.TenantId, key = signature.CallerKeyId },
            });
        });
    }
}
