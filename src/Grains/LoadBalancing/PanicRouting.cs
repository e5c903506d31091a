using Silo.Grains.Services;

namespace Silo.Grains.LoadBalancing;

/// <summary>
/// Which endpoints a service routes to: the available ones (healthy, not ejected, not draining), unless fewer
/// than the service's panic threshold of its endpoints are available — then every endpoint that is not
/// draining. This is Envoy's panic mode (<c>common_lb_config.healthy_panic_threshold</c>, 50% by default):
/// when most endpoints look down, the health signals are more likely wrong (a health path that checks a shared
/// dependency, a burst of failures that ejected the survivors' neighbours) than the endpoints all dead, and
/// refusing everything would turn a partial outage into a total one.
/// </summary>
/// <remarks>
/// <para><b>Share.</b> Available endpoints over endpoints not draining, compared exactly: with a threshold of
/// <c>t</c> percent, the service is in panic when <c>available × 100 &lt; t × candidates</c>, so one of two
/// available is 50% and not in panic at the default. Draining endpoints count in neither: an operator took them
/// out on purpose, and panic never sends them new requests. A service whose endpoints all drain is not in panic
/// and routes nowhere.</para>
/// <para><b>Threshold.</b> 0 turns panic off (an unavailable service then answers 503 <c>no-healthy-endpoint</c>);
/// 100 panics as soon as one endpoint not draining is unavailable. A service with one endpoint panics whenever
/// that endpoint is unavailable, so it keeps getting requests (as in Envoy); the circuit breaker, asked before any
/// endpoint is picked, is then what protects it.</para>
/// <para>Pure: the service grain calls it whenever it rebuilds its routing snapshot.</para>
/// </remarks>
public static class PanicRouting
{
    /// <summary>Whether <paramref name="available"/> of <paramref name="candidates"/> endpoints is below <paramref name="thresholdPercent"/>.</summary>
    public static bool IsPanic(int available, int candidates, int thresholdPercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(available);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(available, candidates);
        ArgumentOutOfRangeException.ThrowIfLessThan(thresholdPercent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(thresholdPercent, 100);
        return thresholdPercent > 0 && candidates > 0 && available * 100L < (long)thresholdPercent * candidates;
    }

    /// <summary>
    /// The endpoints to route to, in definition order, and whether the service is in panic. In panic every
    /// endpoint not draining is listed, the unavailable ones marked <see cref="RoutedEndpoint.PanicOnly"/>.
    /// </summary>
    public static RoutedEndpoint[] Select(
        IReadOnlyList<EndpointDefinition> endpoints, Func<EndpointDefinition, bool> isAvailable, int thresholdPercent, out bool panic)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(isAvailable);
        var candidates = 0;
        var available = new bool[endpoints.Count];
        var availableCount = 0;
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (endpoints[i].Drain)
            {
                continue;
            }

            candidates++;
            available[i] = isAvailable(endpoints[i]);
            availableCount += available[i] ? 1 : 0;
        }

        panic = IsPanic(availableCount, candidates, thresholdPercent);
        var routed = new RoutedEndpoint[panic ? candidates : availableCount];
        var n = 0;
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (available[i] || (panic && !endpoints[i].Drain))
            {
                routed[n++] = new RoutedEndpoint(endpoints[i].Url, endpoints[i].Weight, PanicOnly: !available[i]);
            }
        }

        return routed;
    }
}
