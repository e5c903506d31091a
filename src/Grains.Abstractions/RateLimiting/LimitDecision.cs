namespace Silo.Grains.RateLimiting;

/// <summary>
/// The outcome reported to the client: for an admitted request the limit with the least room left, for a
/// rejected one the limit that rejected it. Seconds are rounded up, so a client that waits
/// <see cref="RetryAfterSeconds"/> finds room. <see cref="RetryAfter"/> is the same wait unrounded, for a front end
/// that caches a refusal exactly as long as it stands.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.LimitDecision")]
public sealed record LimitDecision(
    bool Allowed,
    string Policy,
    long Limit,
    long Remaining,
    int WindowSeconds,
    int ResetSeconds,
    int RetryAfterSeconds,
    TimeSpan RetryAfter = default)
{
    /// <summary>No limit applies.</summary>
    public static LimitDecision Unlimited { get; } = new(true, string.Empty, 0, 0, 0, 0, 0);

    public bool IsUnlimited => Policy.Length == 0;

    public static LimitDecision From(LimitOutcome outcome) =>
        new(
            outcome.Allowed,
            outcome.Definition.Name,
            outcome.Definition.Capacity,
            outcome.Remaining,
            outcome.Definition.EffectiveWindowSeconds,
            CeilSeconds(outcome.ResetAfter),
            outcome.Allowed ? 0 : Math.Max(1, CeilSeconds(outcome.RetryAfter)),
            outcome.Allowed ? TimeSpan.Zero : outcome.RetryAfter);

    /// <summary>The tighter of two admitted decisions (the one with fewer units left).</summary>
    public static LimitDecision Tighter(LimitDecision a, LimitDecision b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.IsUnlimited)
        {
            return b;
        }

        return b.IsUnlimited || a.Remaining <= b.Remaining ? a : b;
    }

    private static int CeilSeconds(TimeSpan span) => (int)Math.Min(int.MaxValue, Math.Ceiling(span.TotalSeconds));
}
