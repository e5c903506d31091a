namespace Silo.Grains.Tenants;

/// <summary>A security-relevant change of a tenant or one of its keys. Never carries a secret or a full key.</summary>
[GenerateSerializer, Immutable, Alias("silo.AuditEvent")]
public sealed record AuditEvent(DateTimeOffset Time, string Action, string? KeyId, string? Detail);
