namespace Silo.Grains.Services;

/// <summary>
/// Active health checks of a service: <c>GET {endpoint}{Path}</c> every <see cref="IntervalSeconds"/>, run by the
/// service grain once for the whole cluster. A check passes on a 2xx or 3xx answer within
/// <see cref="TimeoutSeconds"/> (at most <see cref="IntervalSeconds"/>; the admin API defaults it to the smaller
/// of 2 and <see cref="IntervalSeconds"/>); an endpoint turns unhealthy after <see cref="UnhealthyThreshold"/>
/// failed checks in a row and healthy again after <see cref="HealthyThreshold"/> passed ones.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.HealthCheckDefinition")]
public sealed record HealthCheckDefinition(
    string Path,
    int IntervalSeconds = 5,
    int TimeoutSeconds = 2,
    int HealthyThreshold = 2,
    int UnhealthyThreshold = 3);
