using Silo.Grains.RateLimiting;

namespace Silo.Grains.Identity;

/// <summary>
/// A token issuer a tenant accepts JWT bearer tokens from: its <c>iss</c>, the audiences a token must name
/// one of, where its keys are (<see cref="JwksUri"/>, or the OpenID Connect discovery document at
/// <see cref="DiscoveryUri"/>), the signing algorithms allowed (asymmetric only), the clock skew allowed, the
/// claim that names the consumer, and the limits each consumer gets.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.IssuerDefinition")]
public sealed record IssuerDefinition(
    string Issuer,
    IReadOnlyList<string> Audiences,
    string? JwksUri,
    string? DiscoveryUri,
    IReadOnlyList<string> Algorithms,
    int ClockSkewSeconds,
    string ConsumerClaim,
    IReadOnlyList<LimitDefinition> ConsumerLimits)
{
    /// <summary>The algorithms allowed when none are given.</summary>
    public static IReadOnlyList<string> DefaultAlgorithms { get; } = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>The clock skew allowed when none is given. The default value is 30 seconds.</summary>
    public const int DefaultClockSkewSeconds = 30;

    /// <summary>The consumer claim when none is given. The default value is <c>sub</c>.</summary>
    public const string DefaultConsumerClaim = "sub";
}
