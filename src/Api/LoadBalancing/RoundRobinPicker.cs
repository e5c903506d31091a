namespace Silo.Api.LoadBalancing;

/// <summary>
/// Picks endpoints in turn, ignoring weights and load. Thread-safe and lock-free: front ends call it on every
/// proxied request, and concurrent picks still hand out each index exactly equally often.
/// </summary>
public sealed class RoundRobinPicker : IEndpointPicker
{
    private long _next = -1;

    /// <summary>The index of the next endpoint among <paramref name="count"/>.</summary>
    public int Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var n = (ulong)Interlocked.Increment(ref _next);
        return (int)(n % (ulong)count);
    }

    /// <inheritdoc />
    public int Pick(IReadOnlyList<EndpointLoad> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return Next(endpoints.Count);
    }
}
