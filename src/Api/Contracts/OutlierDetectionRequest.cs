using Silo.Grains.Services;

namespace Silo.Api.Contracts;

/// <summary>
/// <c>outlierDetection</c> in <c>POST /admin/services</c>. Omitted settings take the defaults of
/// <see cref="OutlierDetectionDefinition"/>, except that an omitted <c>maxEjectionSeconds</c> is the larger of
/// that default (300) and <c>baseEjectionSeconds</c>, as Envoy's <c>max_ejection_time</c> is: a default must
/// never conflict with what the request did say.
/// </summary>
public sealed record OutlierDetectionRequest(
    int? ConsecutiveFailures = null,
    int? BaseEjectionSeconds = null,
    int? MaxEjectionSeconds = null,
    int? MaxEjectionPercent = null,
    bool? UnejectOnHealthyCheck = null)
{
    public OutlierDetectionDefinition ToDefinition()
    {
        var defaults = OutlierDetectionDefinition.Default;
        var baseSeconds = BaseEjectionSeconds ?? defaults.BaseEjectionSeconds;
        return new OutlierDetectionDefinition(
            ConsecutiveFailures ?? defaults.ConsecutiveFailures,
            baseSeconds,
            MaxEjectionSeconds ?? Math.Max(defaults.MaxEjectionSeconds, baseSeconds),
            MaxEjectionPercent ?? defaults.MaxEjectionPercent,
            UnejectOnHealthyCheck ?? defaults.UnejectsOnHealthyCheck());
    }
}
