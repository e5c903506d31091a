namespace Silo.Grains.Services;

/// <summary>
/// Passive outlier detection (see <see cref="OutlierDetector"/>): an endpoint whose calls fail
/// <see cref="ConsecutiveFailures"/> times in a row is ejected for <see cref="BaseEjectionSeconds"/> times the
/// number of its ejections in a row (at most <see cref="MaxEjectionSeconds"/>); at most
/// <see cref="MaxEjectionPercent"/> of the endpoints are ejected at once, and never the last one.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.OutlierDetectionDefinition")]
public sealed record OutlierDetectionDefinition(
    int ConsecutiveFailures = 5,
    int BaseEjectionSeconds = 30,
    int MaxEjectionSeconds = 300,
    int MaxEjectionPercent = 50)
{
    /// <summary>The outlier detection of a service that names none.</summary>
    public static OutlierDetectionDefinition Default { get; } = new();
}
