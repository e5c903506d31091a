using Silo.Grains.RateLimiting;

namespace Silo.Grains.Keys;

/// <summary>The durable part of a key (written through on change, never per request).</summary>
[GenerateSerializer, Alias("silo.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)]
    public string TenantId { get; set; } = string.Empty;

    [Id(1)]
    public string Name { get; set; } = string.Empty;

    /// <summary>SHA-256 of the secret.</summary>
    [Id(2)]
    public byte[] SecretHash { get; set; } = [];

    [Id(3)]
    public ApiKeyStatus Status { get; set; }

    [Id(4)]
    public IReadOnlyList<LimitDefinition> Limits { get; set; } = [];

    [Id(5)]
    public IReadOnlyList<string> Scopes { get; set; } = [];

    [Id(6)]
    public DateTimeOffset CreatedAt { get; set; }

    [Id(7)]
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>SHA-256 of the secret a rotation replaced; valid until <see cref="PreviousSecretExpiresAt"/>.</summary>
    [Id(8)]
    public byte[]? PreviousSecretHash { get; set; }

    [Id(9)]
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
}
