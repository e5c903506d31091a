using Silo.Grains.LoadBalancing;

namespace Silo.Grains.Services;

/// <summary>Checks a service definition; returns field-named errors rather than throwing.</summary>
public static class ServiceValidation
{
    public const int MaxEndpoints = 64;
    public const int MaxWeight = 1000;
    public const int MaxTimeoutSeconds = 300;

    /// <summary>See <see cref="Identifiers.IsSlug"/>.</summary>
    public static bool IsServiceId(string? id) => Identifiers.IsSlug(id);

    public static void Validate(ServiceDefinition definition, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(errors);
        if (!IsServiceId(definition.Id))
        {
            errors["id"] = "Required: " + Identifiers.Description;
        }

        if (definition.Endpoints is not { Count: > 0 })
        {
            errors["endpoints"] = "At least one endpoint is required.";
        }
        else if (definition.Endpoints.Count > MaxEndpoints)
        {
            errors["endpoints"] = $"At most {MaxEndpoints} endpoints are allowed.";
        }
        else
        {
            ValidateEndpoints(definition.Endpoints, errors);
        }

        if (definition.LoadBalancing != LoadBalancingPolicy.RoundRobin)
        {
            errors["loadBalancing"] = "Only 'round-robin' is available in this version.";
        }

        if (definition.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            errors["timeoutSeconds"] = $"Must be between 1 and {MaxTimeoutSeconds}.";
        }

        ValidateHealthCheck(definition.HealthCheck, errors);
        ValidateCircuitBreaker(definition.CircuitBreaker, errors);
    }

    private static void ValidateHealthCheck(HealthCheckDefinition? healthCheck, IDictionary<string, string> errors)
    {
        if (healthCheck is { } health)
        {
            if (string.IsNullOrEmpty(health.Path) || health.Path[0] != '/')
            {
                errors["healthCheck.path"] = "Must be an absolute path starting with '/'.";
            }

            if (health.IntervalSeconds is < 1 or > 3600)
            {
                errors["healthCheck.intervalSeconds"] = "Must be between 1 and 3600.";
            }
        }

    }

    private static void ValidateCircuitBreaker(CircuitBreakerDefinition? circuitBreaker, IDictionary<string, string> errors)
    {
        if (circuitBreaker is { } breaker)
        {
            if (breaker.FailureRatio is <= 0 or > 1)
            {
                errors["circuitBreaker.failureRatio"] = "Must be greater than 0 and at most 1.";
            }

            if (breaker.MinimumThroughput < 1)
            {
                errors["circuitBreaker.minimumThroughput"] = "Must be at least 1.";
            }

            if (breaker.SamplingSeconds < 1)
            {
                errors["circuitBreaker.samplingSeconds"] = "Must be at least 1.";
            }

            if (breaker.BreakSeconds < 1)
            {
                errors["circuitBreaker.breakSeconds"] = "Must be at least 1.";
            }
        }
    }

    private static void ValidateEndpoints(IReadOnlyList<EndpointDefinition> endpoints, IDictionary<string, string> errors)
    {
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i];
            if (endpoint is null || !IsEndpointUrl(endpoint.Url))
            {
                errors[$"endpoints[{i}].url"] = "Must be an absolute http or https URL without credentials, query or fragment.";
            }

            if (endpoint is not null && endpoint.Weight is < 1 or > MaxWeight)
            {
                errors[$"endpoints[{i}].weight"] = $"Must be between 1 and {MaxWeight}.";
            }
        }
    }

    private static bool IsEndpointUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
        (string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal) || string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal)) &&
        string.IsNullOrEmpty(uri.UserInfo) &&
        string.IsNullOrEmpty(uri.Query) &&
        string.IsNullOrEmpty(uri.Fragment);
}
