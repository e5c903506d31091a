using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Silo.Signing;

/// <summary>Verifying an ASP.NET Core request: its target as received, its body against the signed digest.</summary>
public static class HttpRequestSignatures
{
    /// <summary>
    /// The request as signatures see it. The target URI is the scheme, the <c>Host</c> header and the
    /// request-target exactly as received (<see cref="IHttpRequestFeature.RawTarget"/>): what the gateway sent.
    /// A downstream behind another proxy that changes these must verify against what the gateway sent.
    /// </summary>
    public static SignedMessage ToSignedMessage(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget))
        {
            rawTarget = request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        }

        var headers = request.Headers;
        return new SignedMessage(
            request.Method,
            request.Scheme + "://" + request.Host.Value + rawTarget,
            name => headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(", ", values.Select(v => v?.Trim())) : null,
            HasBody(request));
    }

    /// <summary>
    /// Verifies the request's signature and, when it has a body or a signed <c>Content-Digest</c>, reads the body
    /// (buffered, so the application reads it again from the start) and compares its SHA-256 with the digest.
    /// </summary>
    public static async Task<SignatureVerification> VerifyAsync(this SignatureVerifier verifier, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(context);
        var message = ToSignedMessage(context.Request);
        var verification = verifier.Verify(message);
        if (!verification.IsValid || (!message.HasBody && message.Field("content-digest") is null))
        {
            return verification;
        }

        context.Request.EnableBuffering();
        var digest = await ContentDigest.HashAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        context.Request.Body.Position = 0;
        return ContentDigest.Matches(message.Field("content-digest"), digest) ? verification : SignatureVerification.Failed(SignatureFailure.DigestMismatch);
    }

    /// <summary>A declared body: Content-Length above 0 or any Transfer-Encoding.</summary>
    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
