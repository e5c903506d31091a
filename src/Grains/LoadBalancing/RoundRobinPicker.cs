namespace Silo.Grains.LoadBalancing;

/// <summary>Picks endpoints in turn. Thread-safe and lock-free: front ends call it on every proxied request.</summary>
public sealed class RoundRobinPicker
{
    private long _next = -1;

    /// <summary>The index of the next endpoint among <paramref name="count"/>.</summary>
    public int Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var n = (ulong)Interlocked.Increment(ref _next);
        return (int)(n % (ulong)count);
    }
}
