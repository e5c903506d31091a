using Silo.Grains.Health;

namespace Silo.Grains.Services;

/// <summary>
/// An endpoint as the admin API shows it: its definition, health, ejection, whether it is available (healthy,
/// not ejected, not draining) and whether requests are sent to it now (<see cref="Routed"/>: available, or not
/// draining while the service is in panic).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.EndpointStatus")]
public sealed record EndpointStatus(
    string Url,
    int Weight,
    bool Drain,
    EndpointHealth Health,
    bool Ejected,
    int EjectedForSeconds,
    int ConsecutiveFailures,
    int Ejections,
    bool Available,
    bool Routed = false);
