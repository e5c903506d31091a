using Silo.Grains.RateLimiting;

namespace Silo.Api.Config;

/// <summary>
/// A key of a tenant. With an <c>id</c> it is that key (export writes it); without one it is the tenant's only
/// active key of that <c>name</c>, created on the first apply (its secret is in that apply's answer only).
/// </summary>
public sealed record KeyConfig(
    string? Id = null,
    string? Name = null,
    IReadOnlyList<LimitDefinition>? Limits = null,
    IReadOnlyList<string>? Scopes = null,
    DateTimeOffset? ExpiresAt = null);
