using Silo.Grains.RateLimiting;

namespace Silo.Api.Contracts;

/// <summary>Body of <c>POST /admin/tenants/{tenant}/keys</c>.</summary>
public sealed record CreateKeyRequest(string? Name, IReadOnlyList<LimitDefinition>? Limits, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt);
