using Silo.Grains.CircuitBreaking;
using Silo.Grains.Health;

namespace Silo.Grains.Services;

/// <summary>Turns the settings an administrator stored into the options of the policy code that applies them.</summary>
internal static class DefinitionOptions
{
    public static ActiveHealthCheckOptions ToOptions(this HealthCheckDefinition definition) => new()
    {
        Path = definition.Path,
        Interval = TimeSpan.FromSeconds(definition.IntervalSeconds),
        Timeout = TimeSpan.FromSeconds(definition.TimeoutSeconds),
        HealthyThreshold = definition.HealthyThreshold,
        UnhealthyThreshold = definition.UnhealthyThreshold,
    };

    public static CircuitBreakerOptions ToOptions(this CircuitBreakerDefinition definition) => new()
    {
        FailureRatio = definition.FailureRatio,
        MinimumThroughput = definition.MinimumThroughput,
        SamplingDuration = TimeSpan.FromSeconds(definition.SamplingSeconds),
        BreakDuration = TimeSpan.FromSeconds(definition.BreakSeconds),
        MinimumReporters = definition.MinimumReporters,
    };

    public static OutlierDetectionOptions ToOptions(this OutlierDetectionDefinition definition) => new()
    {
        ConsecutiveFailures = definition.ConsecutiveFailures,
        BaseEjectionTime = TimeSpan.FromSeconds(definition.BaseEjectionSeconds),
        MaxEjectionTime = TimeSpan.FromSeconds(definition.MaxEjectionSeconds),
        MaxEjectionPercent = definition.MaxEjectionPercent,
        UnejectOnHealthyCheck = definition.UnejectsOnHealthyCheck(),
    };
}
