using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace Silo.Api.Errors;

/// <summary>The grain-call failures that mean "not now" (answered 503 with Retry-After), as opposed to a bug (500).</summary>
internal static class GrainFailures
{
    /// <summary>
    /// A call timed out (silo dead or frozen), was refused (silo stopping, membership changing), could not
    /// connect, or met a concurrent write: the cluster could not answer now; a retry soon will be.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is TimeoutException
            or OrleansMessageRejectionException
            or ConnectionFailedException
            or ClientNotAvailableException
            or GatewayTooBusyException
            or InconsistentStateException
            or OrleansLifecycleCanceledException;

    /// <summary>
    /// The target silo refused the call without running it, or was declared dead while it was pending: the
    /// grain lives elsewhere now, and a second attempt reaches the new activation.
    /// </summary>
    public static bool IsRetryable(Exception exception) => exception is OrleansMessageRejectionException;

    /// <summary>Pauses before each new attempt of a refused call (650 ms in all): by then the grain has a new activation.</summary>
    public static readonly TimeSpan[] RetryPauses =
        [TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(75), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(400)];
}
