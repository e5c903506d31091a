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

    // [Id(8)] and [Id(9)] held the one secret an earlier rotation replaced; GracedSecrets holds each of them.

    /// <summary>Secrets that rotations replaced and that still work until their grace ends (expired ones are pruned on the next rotation).</summary>
    [Id(10)]
    public IReadOnlyList<GracedSecret> GracedSecrets { get; set; } = [];
}
