using Silo.Grains.RateLimiting;

namespace Silo.Grains.Identity;

/// <summary>
/// A token issuer a tenant accepts JWT bearer tokens from: its <c>iss</c>, the audiences a token must name
/// one of, where its keys are (<see cref="JwksUri"/>, or the OpenID Connect discovery document at
/// <see cref="DiscoveryUri"/>), the signing algorithms allowed (asymmetric only), the clock skew allowed, the
/// claim that names the consumer, and the limits each consumer gets. With <see cref="ScopesClaim"/> set, a
/// token may call only the services its scopes name (a space-separated string or an array; with
/// <see cref="ScopePrefix"/>, only scopes with that prefix count, the prefix taken off): <c>scope: "silo:orders"</c>
/// with prefix <c>silo:</c> allows service <c>orders</c>. Without it a token may call every service.
/// </summary>
/// <remarks>Stored in grain state: parameters are only ever added at the end (Orleans numbers them by position).</remarks>
[GenerateSerializer, Immutable, Alias("silo.IssuerDefinition")]
public sealed record IssuerDefinition(
    string Issuer,
    IReadOnlyList<string> Audiences,
    string? JwksUri,
    string? DiscoveryUri,
    IReadOnlyList<string> Algorithms,
    int ClockSkewSeconds,
    string ConsumerClaim,
    IReadOnlyList<LimitDefinition> ConsumerLimits,
    string? ScopesClaim = null,
    string? ScopePrefix = null)
{
    /// <summary>The algorithms allowed when none are given.</summary>
    public static IReadOnlyList<string> DefaultAlgorithms { get; } = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>The clock skew allowed when none is given. The default value is 30 seconds.</summary>
    public const int DefaultClockSkewSeconds = 30;

    /// <summary>Whether <paramref name="other"/> gives the same settings, list by list (a record's own equality compares its lists by reference).</summary>
    public bool SameAs(IssuerDefinition? other) =>
        other is not null &&
        Audiences.SequenceEqual(other.Audiences, StringComparer.Ordinal) &&
        Algorithms.SequenceEqual(other.Algorithms, StringComparer.Ordinal) &&
        ConsumerLimits.SequenceEqual(other.ConsumerLimits) &&
        this with { Audiences = other.Audiences, Algorithms = other.Algorithms, ConsumerLimits = other.ConsumerLimits } == other;

    /// <summary>The consumer claim when none is given. The default value is <c>sub</c>.</summary>
    public const string DefaultConsumerClaim = "sub";
}
