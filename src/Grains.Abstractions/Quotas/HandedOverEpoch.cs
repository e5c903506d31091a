namespace Silo.Grains.Quotas;

/// <summary>The epoch of an activation whose leased units the stored counts include, and when it ended.</summary>
[GenerateSerializer, Immutable, Alias("silo.HandedOverEpoch")]
public sealed record HandedOverEpoch(Guid Epoch, DateTimeOffset EndedAt);
