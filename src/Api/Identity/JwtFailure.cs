namespace Silo.Api.Identity;

/// <summary>Why a JWT caller was refused (a metric tag and the security log; never the response body).</summary>
public enum JwtFailure
{
    /// <summary>Not a JWT, or longer than allowed.</summary>
    Malformed,

    /// <summary>No tenant registered the token's issuer.</summary>
    UnknownIssuer,

    /// <summary>Signature, key id, algorithm, audience, issuer or lifetime failed validation.</summary>
    Invalid,

    /// <summary>The token lacks the claim that names the consumer.</summary>
    NoConsumer,

    /// <summary>The issuer's keys could not be fetched, or are older than allowed: 503, not 401.</summary>
    KeysUnavailable,
}
