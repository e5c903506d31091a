using Silo.Grains.RateLimiting;

namespace Silo.Grains.Keys;

/// <summary>The durable part of a key (written through on change, never per request).</summary>
public sealed class ApiKeyState
{
    public string TenantId { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    /// <summary>SHA-256 of the secret.</summary>
    public byte[] SecretHash { get; set; } = [];

    public ApiKeyStatus Status { get; set; }

    public IReadOnlyList<LimitDefinition> Limits { get; set; } = [];

    public IReadOnlyList<string> Scopes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>SHA-256 of the secret a rotation replaced; valid until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public byte[]? PreviousSecretHash { get; set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
}
