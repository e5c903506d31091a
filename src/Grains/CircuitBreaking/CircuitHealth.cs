namespace Silo.Grains.CircuitBreaking;

/// <summary>The outcomes a <see cref="CircuitBreaker"/> currently holds in its sampling window.</summary>
/// <param name="Successes">Successful calls in the window, all reporters together.</param>
/// <param name="Failures">Failed calls in the window, all reporters together.</param>
/// <param name="Reporters">Reporters with at least one outcome in the window.</param>
/// <param name="FailingReporters">Reporters whose own failure ratio in the window is at or above the threshold.</param>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
public readonly record struct CircuitHealth(long Successes, long Failures, int Reporters, int FailingReporters)
{
    /// <summary>All outcomes in the window.</summary>
    public long Throughput => Successes + Failures;

    /// <summary>Failures over throughput; 0 when the window is empty.</summary>
    public double FailureRatio => Throughput == 0 ? 0 : (double)Failures / Throughput;
}
