using Microsoft.AspNetCore.Builder;

namespace Silo.Signing;

public static class SignatureVerificationExtensions
{
    /// <summary>Adds <see cref="SignatureVerificationMiddleware"/>: from here on, only requests the gateway signed.</summary>
    public static IApplicationBuilder UseSiloSignatureVerification(this IApplicationBuilder app, SignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(verifier);
        return app.UseMiddleware<SignatureVerificationMiddleware>(verifier);
    }
}
