using Silo.Grains.CircuitBreaking;

namespace Silo.Grains.Telemetry;

/// <summary>A circuit state as a number ordered by severity (closed 0, half-open 1, open 2, isolated 3), so the worse of two is the larger.</summary>
public static class CircuitCode
{
    public static sbyte Of(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        CircuitState.Open => 2,
        _ => 3,
    };

    /// <summary>The state's name as the admin API writes it; null for -1 (not known).</summary>
    public static string? Name(sbyte code) => code switch
    {
        0 => "closed",
        1 => "half-open",
        2 => "open",
        3 => "isolated",
        _ => null,
    };
}
