namespace Silo.Api.LoadBalancing;

/// <summary>
/// Picks the endpoint with the fewest requests in flight from this front end, relative to its weight
/// (<c>outstanding ÷ weight</c>; with equal weights simply the fewest). Ties, including the idle case where
/// every endpoint has none, go to the tied endpoints in turn. Thread-safe and lock-free.
/// </summary>
/// <remarks>
/// Two passes over the list: one finds the least load and how many endpoints share it, the second takes the
/// n-th of those by a rotating counter. The counts move under concurrent picks; if the chosen tie has vanished
/// by the second pass, the first least-loaded endpoint found is taken.
/// </remarks>
public sealed class LeastOutstandingPicker : IEndpointPicker
{
    private long _next = -1;

    /// <inheritdoc />
    public int Pick(IReadOnlyList<EndpointLoad> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var count = endpoints.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(endpoints));
        if (count == 1)
        {
            return 0;
        }

        // 1. The least load (compared as fractions, by cross multiplication) and how many share it.
        var first = 0;
        long bestOutstanding = endpoints[0].Outstanding;
        long bestWeight = endpoints[0].Weight;
        var ties = 1;
        for (var i = 1; i < count; i++)
        {
            var endpoint = endpoints[i];
            var order = Compare(endpoint.Outstanding, endpoint.Weight, bestOutstanding, bestWeight);
            if (order < 0)
            {
                first = i;
                bestOutstanding = endpoint.Outstanding;
                bestWeight = endpoint.Weight;
                ties = 1;
            }
            else if (order == 0)
            {
                ties++;
            }
        }

        if (ties == 1)
        {
            return first;
        }

        // 2. Spread ties: the n-th least-loaded endpoint, n rotating.
        var n = (long)((ulong)Interlocked.Increment(ref _next) % (ulong)ties);
        for (var i = first; i < count; i++)
        {
            var endpoint = endpoints[i];
            if (Compare(endpoint.Outstanding, endpoint.Weight, bestOutstanding, bestWeight) == 0 && n-- == 0)
            {
                return i;
            }
        }

        return first;
    }

    private static int Compare(long outstandingA, long weightA, long outstandingB, long weightB) =>
        (outstandingA * weightB).CompareTo(outstandingB * weightA);
}
