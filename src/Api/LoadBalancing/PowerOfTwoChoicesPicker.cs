namespace Silo.Api.LoadBalancing;

/// <summary>
/// The power of two choices (Mitzenmacher): draw two distinct endpoints at random and take the one with fewer
/// requests in flight relative to its weight. Nearly as good as least outstanding at spreading load, without
/// every front end herding onto the same least-loaded endpoint. Thread-safe if the injected
/// <see cref="Random"/> is (<see cref="Random.Shared"/> is; a seeded <see cref="Random"/> is not, and suits
/// single-threaded tests).
/// </summary>
/// <remarks>
/// With equal weights both draws are uniform. With unequal weights each draw is proportional to weight (the
/// second among the rest), so an idle service gets traffic in proportion to weight, and a busy one compares
/// <c>outstanding ÷ weight</c>. A tie goes to the first draw, which is itself random. One pass over the list
/// per pick to learn the weights; no allocation.
/// </remarks>
public sealed class PowerOfTwoChoicesPicker : IEndpointPicker
{
    private readonly Random _random;

    /// <summary>Creates a picker drawing from <paramref name="random"/>.</summary>
    public PowerOfTwoChoicesPicker(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
    }

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

        long total = 0;
        var uniform = true;
        var firstWeight = endpoints[0].Weight;
        for (var i = 0; i < count; i++)
        {
            var weight = endpoints[i].Weight;
            total += weight;
            uniform &= weight == firstWeight;
        }

        int a;
        int b;
        if (uniform)
        {
            a = _random.Next(count);
            b = _random.Next(count - 1);
            if (b >= a)
            {
                b++;
            }
        }
        else
        {
            a = ByWeight(endpoints, _random.NextInt64(total), skip: -1);
            b = ByWeight(endpoints, _random.NextInt64(total - endpoints[a].Weight), skip: a);
        }

        var x = endpoints[a];
        var y = endpoints[b];
        return ((long)y.Outstanding * x.Weight) < ((long)x.Outstanding * y.Weight) ? b : a;
    }

    /// <summary>The endpoint whose weight range, laid end to end and leaving out <paramref name="skip"/>, holds <paramref name="point"/>.</summary>
    private static int ByWeight(IReadOnlyList<EndpointLoad> endpoints, long point, int skip)
    {
        var last = -1;
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (i == skip)
            {
                continue;
            }

            last = i;
            point -= endpoints[i].Weight;
            if (point < 0)
            {
                return i;
            }
        }

        // Only if a weight changed under us, which EndpointLoad forbids; stay in range regardless.
        return last;
    }
}
