using Silo.Grains.Health;

namespace Silo.Grains.Services;

/// <summary>An endpoint as the admin API shows it: its definition, health, ejection and whether it is picked now.</summary>
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
    bool Available);
