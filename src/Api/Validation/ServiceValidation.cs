using Silo.Grains.LoadBalancing;
using Silo.Grains.Services;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Validation;

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

        if (!Enum.IsDefined(definition.LoadBalancing))
        {
            errors["loadBalancing"] = "Must be 'round-robin', 'weighted-round-robin', 'least-outstanding' or 'power-of-two-choices'.";
        }

        if (definition.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            errors["timeoutSeconds"] = $"Must be between 1 and {MaxTimeoutSeconds}.";
        }

        if (definition.PanicThresholdPercent is < 0 or > 100)
        {
            errors["panicThresholdPercent"] = "Must be between 0 and 100 (0 turns panic routing off).";
        }

        ValidateHealthCheck(definition.HealthCheck, errors);
        ValidateCircuitBreaker(definition.CircuitBreaker, errors);
        ValidateOutlierDetection(definition.OutlierDetection, errors);
        ValidateCache(definition.Cache, errors);
    }

    /// <summary>Checks a replacement endpoint list (<c>PUT /admin/services/{service}/endpoints</c>).</summary>
    public static void ValidateEndpointList(IReadOnlyList<EndpointDefinition>? endpoints, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (endpoints is not { Count: > 0 })
        {
            errors["endpoints"] = "At least one endpoint is required.";
        }
        else if (endpoints.Count > MaxEndpoints)
        {
            errors["endpoints"] = $"At most {MaxEndpoints} endpoints are allowed.";
        }
        else
        {
            ValidateEndpoints(endpoints, errors);
        }
    }

    public const int MaxCacheTtlSeconds = 86_400;
    public const int MaxCacheEntryBytes = 16 * 1024 * 1024;
    public const int MaxCacheVaryBy = 8;

    private static void ValidateCache(CachePolicy? cache, IDictionary<string, string> errors)
    {
        if (cache is not { } c)
        {
            return;
        }

        if (c.MaxTtlSeconds is < 1 or > MaxCacheTtlSeconds)
        {
            errors["cache.maxTtlSeconds"] = $"Must be between 1 and {MaxCacheTtlSeconds}.";
        }

        if (c.DefaultTtlSeconds < 0 || c.DefaultTtlSeconds > Math.Max(1, c.MaxTtlSeconds))
        {
            errors["cache.defaultTtlSeconds"] = "Must be between 0 (store only responses that say how long they are fresh) and maxTtlSeconds.";
        }

        if (c.MaxEntryBytes is < 1 or > MaxCacheEntryBytes)
        {
            errors["cache.maxEntryBytes"] = $"Must be between 1 and {MaxCacheEntryBytes}.";
        }

        if (!Enum.IsDefined(c.Scope))
        {
            errors["cache.scope"] = "Must be 'tenant', 'key' or 'shared'.";
        }

        if (c.VaryBy is { } vary && (vary.Count > MaxCacheVaryBy || vary.Any(name => !IsHeaderName(name))))
        {
            errors["cache.varyBy"] = $"At most {MaxCacheVaryBy} request header names (letters, digits and !#$%&'*+-.^_`|~).";
        }
    }

    private static bool IsHeaderName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(ch => char.IsAsciiLetterOrDigit(ch) || "!#$%&'*+-.^_`|~".Contains(ch, StringComparison.Ordinal));

    private static void ValidateOutlierDetection(OutlierDetectionDefinition? outlierDetection, IDictionary<string, string> errors)
    {
        if (outlierDetection is not { } o)
        {
            return;
        }

        if (o.ConsecutiveFailures is < 1 or > 1000)
        {
            errors["outlierDetection.consecutiveFailures"] = "Must be between 1 and 1000.";
        }

        if (o.BaseEjectionSeconds is < 1 or > 3600)
        {
            errors["outlierDetection.baseEjectionSeconds"] = "Must be between 1 and 3600.";
        }

        if (o.MaxEjectionSeconds < o.BaseEjectionSeconds || o.MaxEjectionSeconds > 86_400)
        {
            errors["outlierDetection.maxEjectionSeconds"] = "Must be at least baseEjectionSeconds and at most 86400.";
        }

        if (o.MaxEjectionPercent is < 0 or > 100)
        {
            errors["outlierDetection.maxEjectionPercent"] = "Must be between 0 and 100.";
        }
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

            if (health.TimeoutSeconds < 1 || health.TimeoutSeconds > Math.Max(1, health.IntervalSeconds))
            {
                errors["healthCheck.timeoutSeconds"] = "Must be at least 1 and at most intervalSeconds.";
            }

            if (health.HealthyThreshold is < 1 or > 100)
            {
                errors["healthCheck.healthyThreshold"] = "Must be between 1 and 100.";
            }

            if (health.UnhealthyThreshold is < 1 or > 100)
            {
                errors["healthCheck.unhealthyThreshold"] = "Must be between 1 and 100.";
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

            if (breaker.MinimumThroughput is < 1 or > 1_000_000)
            {
                errors["circuitBreaker.minimumThroughput"] = "Must be between 1 and 1000000.";
            }

            if (breaker.SamplingSeconds is < 1 or > 3600)
            {
                errors["circuitBreaker.samplingSeconds"] = "Must be between 1 and 3600.";
            }

            if (breaker.BreakSeconds is < 1 or > 3600)
            {
                errors["circuitBreaker.breakSeconds"] = "Must be between 1 and 3600.";
            }

            if (breaker.MinimumReporters is < 1 or > 100)
            {
                errors["circuitBreaker.minimumReporters"] = "Must be between 1 and 100.";
            }
        }
    }

    private static void ValidateEndpoints(IReadOnlyList<EndpointDefinition> endpoints, IDictionary<string, string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i];
            if (endpoint is null || !IsEndpointUrl(endpoint.Url))
            {
                errors[$"endpoints[{i}].url"] = "Must be an absolute http or https URL without credentials, query or fragment.";
            }
            else if (!seen.Add(endpoint.Url.TrimEnd('/')))
            {
                errors[$"endpoints[{i}].url"] = "Listed twice.";
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
