namespace Silo.Grains.Identity;

/// <summary>The durable part of an issuer: which tenant claimed it, with what settings.</summary>
[GenerateSerializer, Alias("silo.IssuerState")]
public sealed class IssuerState
{
    [Id(0)]
    public string? TenantId { get; set; }

    [Id(1)]
    public IssuerDefinition? Definition { get; set; }
}
