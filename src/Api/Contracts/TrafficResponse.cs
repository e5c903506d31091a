namespace Silo.Api.Contracts;

/// <summary>
/// A tenant's, key's or service's traffic over the last seconds, second by second (oldest first), added up over
/// every front end that answered. A tenant or key has <see cref="Admitted"/> and <see cref="Limited"/>; a service
/// has <see cref="Attempts"/> (sent to its endpoints), <see cref="Failures"/> among them, their latency quantiles
/// (<see cref="P50Milliseconds"/>, <see cref="P99Milliseconds"/>; null in a second without attempts) and the
/// <see cref="Circuit"/> state front ends saw (the most severe; null before any saw the service). The others are null.
/// </summary>
/// <param name="From">The first second.</param>
/// <param name="Seconds">How many seconds each list holds.</param>
/// <param name="FrontEnds">The front ends registered in the cluster (this one included).</param>
/// <param name="FrontEndsAnswered">Those whose record is in the sums (within a second).</param>
public sealed record TrafficResponse(
    DateTimeOffset From,
    int Seconds,
    int FrontEnds,
    int FrontEndsAnswered,
    IReadOnlyList<long>? Admitted,
    IReadOnlyList<long>? Limited,
    IReadOnlyList<long>? Attempts,
    IReadOnlyList<long>? Failures,
    IReadOnlyList<double?>? P50Milliseconds,
    IReadOnlyList<double?>? P99Milliseconds,
    IReadOnlyList<string?>? Circuit);
