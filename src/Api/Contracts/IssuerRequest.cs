using Silo.Grains.Identity;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Contracts;

/// <summary>One issuer in <c>PUT /admin/tenants/{tenant}/issuers</c>; every field but <c>issuer</c>, <c>audiences</c> and one of the key locations may be left out.</summary>
public sealed record IssuerRequest(
    string? Issuer,
    IReadOnlyList<string>? Audiences,
    string? JwksUri,
    string? DiscoveryUri,
    IReadOnlyList<string>? Algorithms,
    int? ClockSkewSeconds,
    string? ConsumerClaim,
    IReadOnlyList<LimitDefinition>? ConsumerLimits,
    string? ScopesClaim = null,
    string? ScopePrefix = null)
{
    /// <summary>The most clock skew accepted. The value is 300 seconds.</summary>
    public const int MaxClockSkewSeconds = 300;

    public IssuerDefinition ToDefinition() => new(
        Issuer ?? string.Empty,
        Audiences ?? [],
        JwksUri,
        DiscoveryUri,
        Algorithms is { Count: > 0 } algorithms ? algorithms : IssuerDefinition.DefaultAlgorithms,
        ClockSkewSeconds ?? IssuerDefinition.DefaultClockSkewSeconds,
        ConsumerClaim ?? IssuerDefinition.DefaultConsumerClaim,
        ConsumerLimits ?? [],
        string.IsNullOrEmpty(ScopesClaim) ? null : ScopesClaim,
        string.IsNullOrEmpty(ScopePrefix) ? null : ScopePrefix);
}
