using Silo.Api.Contracts;
using Silo.Grains.Services;

namespace Silo.Api.Config;

/// <summary>A stored service as the body that registers it, every setting explicit (defaults filled in).</summary>
internal static class ServiceConfig
{
    public static CreateServiceRequest From(ServiceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var outliers = definition.OutlierDetection ?? OutlierDetectionDefinition.Default;
        return new CreateServiceRequest(
            definition.Id,
            definition.Endpoints,
            definition.LoadBalancing,
            definition.TimeoutSeconds,
            definition.HealthCheck is { } h ? new HealthCheckRequest(h.Path, h.IntervalSeconds, h.TimeoutSeconds, h.HealthyThreshold, h.UnhealthyThreshold) : null,
            definition.CircuitBreaker ?? CircuitBreakerDefinition.Default,
            new OutlierDetectionRequest(
                outliers.ConsecutiveFailures, outliers.BaseEjectionSeconds, outliers.MaxEjectionSeconds, outliers.MaxEjectionPercent, outliers.UnejectsOnHealthyCheck()),
            definition.HttpVersion,
            definition.PanicThreshold(),
            definition.Cache);
    }
}
