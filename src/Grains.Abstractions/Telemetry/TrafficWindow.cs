namespace Silo.Grains.Telemetry;

/// <summary>
/// What one front end recorded of one tenant, key or service, second by second (oldest first), from the Unix
/// second <see cref="FirstSecond"/> on. For a tenant or key: <see cref="Counts"/> admitted and
/// <see cref="Refusals"/> refused by a limit. For a service: <see cref="Counts"/> attempts sent downstream,
/// <see cref="Refusals"/> of them failed, <see cref="Latency"/> their durations (<see cref="LatencyBuckets"/>
/// counts per second, second after second), and <see cref="Circuit"/> the circuit state this front end saw
/// (<see cref="CircuitCode"/>; -1 before it knew the service). Windows of several front ends add up
/// (<see cref="Merge"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.TrafficWindow")]
public sealed record TrafficWindow(
    [property: Id(0)] long FirstSecond,
    [property: Id(1)] long[] Counts,
    [property: Id(2)] long[] Refusals,
    [property: Id(3)] int[] Latency,
    [property: Id(4)] sbyte[] Circuit)
{
    /// <summary>An empty window of <paramref name="seconds"/> seconds: nothing recorded.</summary>
    public static TrafficWindow Empty(long firstSecond, int seconds, bool service) => new(
        firstSecond, new long[seconds], new long[seconds], service ? new int[seconds * LatencyBuckets.Count] : [], service ? Unknown(seconds) : []);

    /// <summary>The sum of two front ends' windows of the same seconds; the circuit the more severe state either saw.</summary>
    public TrafficWindow Merge(TrafficWindow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.FirstSecond != FirstSecond || other.Counts.Length != Counts.Length)
        {
            throw new ArgumentException("Only windows of the same seconds add up.", nameof(other));
        }

        return new TrafficWindow(
            FirstSecond,
            [.. Counts.Zip(other.Counts, (a, b) => a + b)],
            [.. Refusals.Zip(other.Refusals, (a, b) => a + b)],
            Latency.Length == other.Latency.Length ? [.. Latency.Zip(other.Latency, (a, b) => a + b)] : Latency.Length > 0 ? Latency : other.Latency,
            Circuit.Length == other.Circuit.Length ? [.. Circuit.Zip(other.Circuit, Math.Max)] : Circuit.Length > 0 ? Circuit : other.Circuit);
    }

    private static sbyte[] Unknown(int seconds)
    {
        var circuit = new sbyte[seconds];
        Array.Fill(circuit, (sbyte)-1);
        return circuit;
    }
}
