using Silo.Grains.Services;

namespace Silo.Api.Contracts;

/// <summary>
/// <c>healthCheck</c> in <c>POST /admin/services</c>. Omitted settings take the defaults of
/// <see cref="HealthCheckDefinition"/>, except that an omitted <c>timeoutSeconds</c> is the smaller of that
/// default (2) and <c>intervalSeconds</c>: a default must never conflict with what the request did say, so
/// <c>{"path":"/health","intervalSeconds":1}</c> is valid (a timeout given above the interval is still refused).
/// </summary>
public sealed record HealthCheckRequest(
    string? Path,
    int? IntervalSeconds = null,
    int? TimeoutSeconds = null,
    int? HealthyThreshold = null,
    int? UnhealthyThreshold = null)
{
    public HealthCheckDefinition ToDefinition()
    {
        var defaults = new HealthCheckDefinition(Path ?? string.Empty);
        var interval = IntervalSeconds ?? defaults.IntervalSeconds;
        return defaults with
        {
            IntervalSeconds = interval,

            // min(default, interval) for every valid interval; an interval below 1 is refused on its own, and its
            // timeout then stays valid so the error names only the field that is wrong.
            TimeoutSeconds = TimeoutSeconds ?? Math.Clamp(interval, 1, defaults.TimeoutSeconds),
            HealthyThreshold = HealthyThreshold ?? defaults.HealthyThreshold,
            UnhealthyThreshold = UnhealthyThreshold ?? defaults.UnhealthyThreshold,
        };
    }
}
