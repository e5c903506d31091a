namespace Silo.Grains.Services;

/// <summary>
/// Passive outlier detection (see <see cref="OutlierDetector"/>): an endpoint whose calls fail
/// <see cref="ConsecutiveFailures"/> times in a row is ejected for <see cref="BaseEjectionSeconds"/> times the
/// number of its ejections in a row (at most <see cref="MaxEjectionSeconds"/>); at most
/// <see cref="MaxEjectionPercent"/> of the endpoints are ejected at once, and never the last one. With active
/// health checks, a check that finds an ejected endpoint healthy ends its ejection at once unless
/// <see cref="UnejectOnHealthyCheck"/> is false (Envoy's <c>successful_active_health_check_uneject_host</c>).
/// </summary>
/// <remarks>
/// Stored in grain state: parameters are only ever added at the end (Orleans numbers them by position), and a
/// state written before a parameter existed reads back with that field's zero value. That is why
/// <see cref="UnejectOnHealthyCheck"/> is nullable: null (a service stored before the setting existed, or built
/// in code without it) means <see cref="DefaultUnejectOnHealthyCheck"/>, where a plain false would silently
/// turn the default off for every service stored earlier.
/// </remarks>
[GenerateSerializer, Immutable, Alias("silo.OutlierDetectionDefinition")]
public sealed record OutlierDetectionDefinition(
    int ConsecutiveFailures = 5,
    int BaseEjectionSeconds = 30,
    int MaxEjectionSeconds = 300,
    int MaxEjectionPercent = 50,
    bool? UnejectOnHealthyCheck = null)
{
    /// <summary>Whether a passing active health check un-ejects when the service does not say. The default value is true, as in Envoy.</summary>
    public const bool DefaultUnejectOnHealthyCheck = true;

    /// <summary>The outlier detection of a service that names none.</summary>
    public static OutlierDetectionDefinition Default { get; } = new();

    /// <summary><see cref="UnejectOnHealthyCheck"/>, or <see cref="DefaultUnejectOnHealthyCheck"/> when it is not set.</summary>
    public bool UnejectsOnHealthyCheck() => UnejectOnHealthyCheck ?? DefaultUnejectOnHealthyCheck;
}
