namespace Silo.Grains.RateLimiting;

/// <summary>
/// The stored count of one durable window limit. It applies again only to a limit of the same name and shape
/// (algorithm, window length, calendar), and only while its window (or, for a sliding window, the one after
/// it) is current. <see cref="ResetAt"/>: when an operator last started this window's count afresh (null when
/// never): a checkpoint merge lets the later reset win instead of adding counts taken before it.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.WindowCheckpoint")]
public sealed record WindowCheckpoint(
    string Name,
    LimitAlgorithm Algorithm,
    int WindowSeconds,
    LimitCalendar Calendar,
    DateTimeOffset WindowStart,
    long Current,
    long Previous,
    DateTimeOffset? ResetAt = null)
{
    /// <summary>Whether this checkpoint was taken from a limit defined like <paramref name="definition"/>.</summary>
    public bool Matches(LimitDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return string.Equals(Name, definition.Name, StringComparison.Ordinal) &&
            Algorithm == definition.Algorithm &&
            Calendar == definition.Calendar &&
            (Calendar != LimitCalendar.None || WindowSeconds == definition.WindowSeconds);
    }
}
