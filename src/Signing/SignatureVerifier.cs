using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Silo.Signing;

/// <summary>
/// Verifies Silo's signatures on a request (RFC 9421, hmac-sha256): among the signatures tagged
/// <see cref="SignatureVerifierOptions.Tag"/>, one made with a known secret must cover the required components,
/// carry <c>created</c>, <c>expires</c> and <c>nonce</c>, be within its validity (give or take the clock skew),
/// match in constant time, and bear a nonce not accepted before (nonces are remembered until their signature
/// expires). The body's digest is checked by <see cref="HttpRequestSignatures.VerifyAsync"/>, which reads it.
/// One instance per application: it holds the nonces seen.
/// </summary>
public sealed class SignatureVerifier(SignatureVerifierOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Accepted nonces and when their signatures expire (Unix seconds); swept as it grows.
    private readonly ConcurrentDictionary<string, long> _nonces = new(StringComparer.Ordinal);
    private long _nextSweep;

    public SignatureVerifierOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    public SignatureVerification Verify(SignedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Field("signature-input") is not { } inputField || message.Field("signature") is not { } signatureField)
        {
            return SignatureVerification.Failed(SignatureFailure.Missing);
        }

        if (!StructuredFields.TryParseDictionary(inputField, out var inputs) || !StructuredFields.TryParseDictionary(signatureField, out var signatures))
        {
            return SignatureVerification.Failed(SignatureFailure.Malformed);
        }

        // The most telling failure among the tagged signatures, when none verifies.
        var failure = SignatureFailure.Missing;
        foreach (var (label, input) in inputs)
        {
            if (input.Parameter("tag") is not string tag || tag != Options.Tag)
            {
                continue;
            }

            var outcome = signatures.TryGetValue(label, out var signature) && signature.Value is byte[] mac
                ? VerifyOne(message, input, mac)
                : SignatureVerification.Failed(SignatureFailure.Malformed);
            if (outcome.IsValid)
            {
                return outcome;
            }

            failure = failure == SignatureFailure.Missing || outcome.Failure > failure ? outcome.Failure!.Value : failure;
        }

        return SignatureVerification.Failed(failure);
    }

    private SignatureVerification VerifyOne(SignedMessage message, SfItem input, byte[] mac)
    {
        if (input.Value is not List<SfItem> items || items.Any(i => i.Value is not string || i.Parameters.Count > 0) ||
            input.Parameter("created") is not long created || input.Parameter("expires") is not long expires ||
            input.Parameter("nonce") is not string nonce || input.Parameter("keyid") is not string keyId ||
            input.Parameter("alg") is { } and not SiloSignature.Algorithm)
        {
            return SignatureVerification.Failed(SignatureFailure.Malformed);
        }

        if (Options.Find(keyId) is not { } secret)
        {
            return SignatureVerification.Failed(SignatureFailure.UnknownKey);
        }

        var components = items.Select(i => (string)i.Value).ToArray();
        if (Options.RequiredComponents.Any(c => !components.Contains(c, StringComparer.Ordinal)) ||
            (message.HasBody && !components.Contains("content-digest", StringComparer.Ordinal)))
        {
            return SignatureVerification.Failed(SignatureFailure.NotCovered);
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)Options.ClockSkew.TotalSeconds;
        if (created > now + skew)
        {
            return SignatureVerification.Failed(SignatureFailure.NotYetValid);
        }

        if (expires + skew <= now || expires - created > (long)Options.MaxValidity.TotalSeconds)
        {
            return SignatureVerification.Failed(SignatureFailure.Expired);
        }

        var signatureBase = SignatureBase.Build(message, components, StructuredFields.Serialize(components, input.Parameters));
        if (signatureBase is null)
        {
            return SignatureVerification.Failed(SignatureFailure.NotCovered);
        }

        if (!CryptographicOperations.FixedTimeEquals(SignatureBase.Mac(secret, signatureBase), mac))
        {
            return SignatureVerification.Failed(SignatureFailure.BadSignature);
        }

        if (!Remember(nonce, expires + skew, now))
        {
            return SignatureVerification.Failed(SignatureFailure.Replayed);
        }

        return new SignatureVerification(null, keyId, message.Field("silo-tenant-id"), message.Field("silo-key-id"));
    }

    /// <summary>Adds the nonce, false when it is there already; drops expired ones now and then.</summary>
    private bool Remember(string nonce, long until, long now)
    {
        if (now >= Interlocked.Read(ref _nextSweep))
        {
            Interlocked.Exchange(ref _nextSweep, now + 10);
            foreach (var (seen, expires) in _nonces)
            {
                if (expires <= now)
                {
                    _nonces.TryRemove(seen, out _);
                }
            }
        }

        return _nonces.TryAdd(nonce, until);
    }
}
