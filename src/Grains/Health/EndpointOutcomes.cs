namespace Silo.Grains.Health;

/// <summary>
/// One front end's batch of call outcomes for one endpoint, as <see cref="OutlierDetector.Record"/> takes it.
/// </summary>
/// <remarks>
/// A front end can fill it with three counters per endpoint: increment <see cref="Successes"/> or
/// <see cref="Failures"/> per call, and keep a failure-run counter that a success sets to zero; at flush,
/// read and zero all three, the run counter giving <see cref="TrailingFailures"/>.
/// </remarks>
/// <param name="Successes">Calls that succeeded in the batch.</param>
/// <param name="Failures">Calls that failed in the batch.</param>
/// <param name="TrailingFailures">
/// Failures after the batch's last success (at most <see cref="Failures"/>). Ignored when the batch holds no
/// success: then every failure continues the run.
/// </param>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
public readonly record struct EndpointOutcomes(int Successes, int Failures, int TrailingFailures);
