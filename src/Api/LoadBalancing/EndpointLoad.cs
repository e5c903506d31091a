namespace Silo.Api.LoadBalancing;

/// <summary>
/// One endpoint of a service as a front end's pickers see it: its weight and the number of requests this front
/// end has in flight to it. The front end owns one per endpoint and service, calls
/// <see cref="BeginRequest"/> before forwarding and <see cref="EndRequest"/> when the response has ended
/// (successfully or not). Thread-safe and lock-free.
/// </summary>
public sealed class EndpointLoad
{
    private int _outstanding;

    /// <summary>Creates the load of one endpoint.</summary>
    /// <param name="url">The endpoint's base URL; carried for the caller, pickers ignore it.</param>
    /// <param name="weight">The endpoint's relative weight; at least 1.</param>
    public EndpointLoad(string url, int weight = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 1);
        Url = url;
        Weight = weight;
    }

    /// <summary>The endpoint's base URL.</summary>
    public string Url { get; }

    /// <summary>The endpoint's relative weight, at least 1.</summary>
    public int Weight { get; }

    /// <summary>Requests in flight from this front end to the endpoint.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>
    /// The running weight of smooth weighted round robin (<see cref="WeightedRoundRobinPicker"/>). Kept here,
    /// not in the picker, so that the caller may filter the endpoint list (health, ejection) between picks
    /// without resetting the rotation. Read and written only under that picker's lock.
    /// </summary>
    internal long CurrentWeight { get; set; }

    /// <summary>Counts a request as in flight; call once before forwarding it.</summary>
    public void BeginRequest() => Interlocked.Increment(ref _outstanding);

    /// <summary>Counts a request as finished; call exactly once per <see cref="BeginRequest"/>.</summary>
    public void EndRequest() => Interlocked.Decrement(ref _outstanding);
}
