namespace Silo.Api.LoadBalancing;

/// <summary>
/// Chooses the endpoint for one request, on the front end's hot path. Implementations are thread-safe and
/// allocate nothing per pick. One picker serves one service on one front end (it may keep rotation state).
/// </summary>
/// <remarks>
/// The caller passes only the endpoints that may take traffic now: healthy by the active checks, not
/// ejected by outlier detection. Pickers never filter. With no such endpoint the caller answers 503 itself
/// instead of calling a picker. The caller may pass a differently filtered list on each call.
/// </remarks>
public interface IEndpointPicker
{
    /// <summary>The index, within <paramref name="endpoints"/>, of the endpoint to send the request to.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="endpoints"/> is empty.</exception>
    int Pick(IReadOnlyList<EndpointLoad> endpoints);
}
