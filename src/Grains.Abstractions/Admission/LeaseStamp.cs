namespace Silo.Grains.Admission;

/// <summary>
/// Where the tokens of one slice were taken: the owner's limit set (<see cref="Epoch"/>, new on every activation
/// and every limits change), the owner's monotonic timestamp then (<see cref="TakenAt"/>) and the same moment in
/// UTC (<see cref="TakenAtUtc"/>, for a later activation, whose monotonic clock is another). Tokens given back are
/// credited only to the counters they were taken from, and a windowed limit takes them back only while the
/// window they were counted in is still current: a return can never lend a window units it did not lend.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.LeaseStamp")]
public sealed record LeaseStamp(Guid Epoch, long TakenAt, DateTimeOffset TakenAtUtc)
{
    /// <summary>No tokens were taken there (an unlimited owner, or none leased).</summary>
    public static LeaseStamp None { get; } = new(Guid.Empty, 0, DateTimeOffset.MinValue);
}
