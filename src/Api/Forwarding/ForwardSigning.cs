using Silo.Grains.Services;
using Silo.Signing;

namespace Silo.Api.Forwarding;

/// <summary>
/// How one admitted request to a signing service is signed (<see cref="SiloSignature"/>): the keys signing now,
/// the caller the gateway admitted, and the body's <c>Content-Digest</c> (read once, before the first attempt).
/// Each attempt is signed afresh for its own target.
/// </summary>
internal sealed class ForwardSigning(IReadOnlyList<SigningKey> keys, string tenantId, string keyId, string? contentDigest, TimeProvider time)
{
    /// <summary>The keys of <paramref name="snapshot"/> that sign now; null when it signs with none.</summary>
    public static IReadOnlyList<SigningKey>? KeysOf(RoutingSnapshot snapshot, DateTimeOffset now)
    {
        if (snapshot.SigningKeys is not { Count: > 0 } stored)
        {
            return null;
        }

        // Newest first: the first signature (label "silo") is made with the current secret.
        var keys = stored.Where(k => k.SignsAt(now)).Reverse().Select(k => new SigningKey(k.KeyId, k.Secret)).ToArray();
        return keys.Length > 0 ? keys : null;
    }

    /// <summary>
    /// The signing of an admitted request to the service of <paramref name="snapshot"/>: null when the service does
    /// not sign. A request with a body is read whole first (buffered, to disk past 30 KB, within the server's
    /// request size limit) for its digest: a body over the limit or too slow fails as the server's own reads do
    /// (413, 408 through the exception handler). Null as well when the client left while its body was read.
    /// </summary>
    public static async Task<(ForwardSigning? Signing, bool Aborted)> PrepareAsync(
        HttpContext context, RoutingSnapshot snapshot, string tenantId, string keyId, TimeProvider time)
    {
        if (KeysOf(snapshot, time.GetUtcNow()) is not { } keys)
        {
            return (null, false);
        }

        string? digest = null;
        if (ForwardRetries.HasBody(context.Request))
        {
            try
            {
                context.Request.EnableBuffering();
                digest = ContentDigest.Format(await ContentDigest.HashAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false));
                context.Request.Body.Position = 0;
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
            {
                return (null, true);
            }
        }

        return (new ForwardSigning(keys, tenantId, keyId, digest, time), false);
    }

    /// <summary>Sets the signing headers on <paramref name="request"/>, sent to <paramref name="target"/>.</summary>
    public void Apply(HttpRequestMessage request, Uri target)
    {
        var headers = request.Headers;
        headers.TryAddWithoutValidation(SiloSignature.TenantIdHeader, tenantId);
        headers.TryAddWithoutValidation(SiloSignature.KeyIdHeader, keyId);
        List<string> components = [.. SiloSignature.Components];
        if (contentDigest is not null)
        {
            headers.TryAddWithoutValidation(SiloSignature.ContentDigestHeader, contentDigest);
            components.Add("content-digest");
        }

        // What the downstream sees: the Host header HttpClient derives from the target, and the request-target as sent.
        var message = new SignedMessage(
            request.Method.Method,
            target.Scheme + "://" + target.Authority + target.PathAndQuery,
            name => name switch
            {
                "silo-tenant-id" => tenantId,
                "silo-key-id" => keyId,
                "content-digest" => contentDigest,
                _ => null,
            },
            contentDigest is not null);
        var (input, signature) = RequestSigner.Sign(message, components, keys, time.GetUtcNow(), SiloSignature.ValidFor);
        headers.TryAddWithoutValidation(SiloSignature.SignatureInputHeader, input);
        headers.TryAddWithoutValidation(SiloSignature.SignatureHeader, signature);
    }
}
