namespace Silo.Grains.Telemetry;

/// <summary>What a traffic window records: a tenant's or a key's admissions, or a service's forwarded requests.</summary>
[GenerateSerializer, Alias("silo.TrafficKind")]
public enum TrafficKind
{
    Tenant,
    Key,
    Service,
}
