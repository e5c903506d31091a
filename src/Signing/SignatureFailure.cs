namespace Silo.Signing;

/// <summary>Why a request's signature was not accepted.</summary>
public enum SignatureFailure
{
    /// <summary>No <c>Signature-Input</c> or <c>Signature</c> field, or no signature with the expected tag.</summary>
    Missing,

    /// <summary>The fields do not parse, a signature lacks <c>created</c>, <c>expires</c> or <c>nonce</c>, or names another algorithm.</summary>
    Malformed,

    /// <summary>No signature names a key the verifier holds.</summary>
    UnknownKey,

    /// <summary>The signature leaves out a component that must be covered (or a covered header is absent).</summary>
    NotCovered,

    /// <summary>The signature's <c>expires</c> has passed, or it claims to be valid for longer than allowed.</summary>
    Expired,

    /// <summary>The signature was created in the future.</summary>
    NotYetValid,

    /// <summary>The HMAC does not match: the request was changed, or signed with another secret.</summary>
    BadSignature,

    /// <summary>A signature with this nonce was accepted before.</summary>
    Replayed,

    /// <summary>The body does not match its signed <c>Content-Digest</c>.</summary>
    DigestMismatch,
}
