namespace Silo.Api.LoadBalancing;

/// <summary>
/// Smooth weighted round robin, as nginx does it: each endpoint gets exactly its weight's share of every
/// cycle of <c>Σ weights</c> picks, spread through the cycle (weights 5:1:1 give a a b a c a a, not
/// a a a a a b c).
/// </summary>
/// <remarks>
/// Each pick adds every endpoint's weight to its running weight, takes the endpoint with the largest, and
/// subtracts the total from it (https://github.com/phusion/nginx/commit/27e94984486058d73157038f7950a0a36ecc6e35).
/// The pick reads and writes every endpoint's running weight together, so it runs under a lock: the critical
/// section is one pass over at most a few dozen endpoints with no allocation, far shorter than the request it
/// routes, and a lock-free variant would need a precomputed schedule rebuilt whenever the filtered list
/// changes.
/// </remarks>
public sealed class WeightedRoundRobinPicker : IEndpointPicker
{
    private readonly Lock _lock = new();

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

        lock (_lock)
        {
            long total = 0;
            var best = 0;
            var bestWeight = long.MinValue;
            for (var i = 0; i < count; i++)
            {
                var endpoint = endpoints[i];
                endpoint.CurrentWeight += endpoint.Weight;
                total += endpoint.Weight;
                if (endpoint.CurrentWeight > bestWeight)
                {
                    best = i;
                    bestWeight = endpoint.CurrentWeight;
                }
            }

            endpoints[best].CurrentWeight -= total;
            return best;
        }
    }
}
