namespace Silo.Grains.Health;

/// <summary>
/// Settings of passive outlier detection (<see cref="OutlierDetector"/>), named after Envoy's
/// <c>outlier_detection</c> (consecutive_5xx, base_ejection_time, max_ejection_time, max_ejection_percent,
/// successful_active_health_check_uneject_host).
/// </summary>
public sealed class OutlierDetectionOptions
{
    /// <summary>Consecutive failed calls after which an endpoint is ejected; at least 1. The default value is 5.</summary>
    public int ConsecutiveFailures { get; init; } = 5;

    /// <summary>
    /// The first ejection's length; the n-th ejection in a row lasts n times as long. More than zero.
    /// The default value is 30 seconds.
    /// </summary>
    public TimeSpan BaseEjectionTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest an ejection lasts; at least <see cref="BaseEjectionTime"/>. The default value is 300 seconds.</summary>
    public TimeSpan MaxEjectionTime { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// The most endpoints, in percent of the service's endpoints, that may be ejected at once; 0 to 100, and
    /// 0 turns ejection off. See <see cref="OutlierDetector"/> for the rounding. The default value is 50.
    /// </summary>
    public int MaxEjectionPercent { get; init; } = 50;

    /// <summary>
    /// Whether an active health check that finds an ejected endpoint healthy ends its ejection at once
    /// (<see cref="OutlierDetector.RecordHealthyCheck"/>), as Envoy's
    /// <c>successful_active_health_check_uneject_host</c> does. The default value is true.
    /// </summary>
    public bool UnejectOnHealthyCheck { get; init; } = true;
}
