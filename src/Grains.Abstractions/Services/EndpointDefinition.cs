namespace Silo.Grains.Services;

/// <summary>
/// A downstream endpoint: an absolute http(s) base URL and a weight. A draining endpoint keeps its health and
/// statistics but gets no new requests (requests already sent to it finish).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.EndpointDefinition")]
public sealed record EndpointDefinition(string Url, int Weight = 1, bool Drain = false);
