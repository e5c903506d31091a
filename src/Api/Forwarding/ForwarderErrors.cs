using Silo.Api.Errors;
using Yarp.ReverseProxy.Forwarder;

namespace Silo.Api.Forwarding;

/// <summary>
/// The one mapping from what YARP's forwarder reports to how the attempt counts and what the client is told.
/// The client's own faults (its body malformed, stalled or too large; it went away) are never the downstream's:
/// they answer 4xx or nothing and feed neither outlier detection, the breaker nor retries.
/// </summary>
internal static class ForwarderErrors
{
    /// <param name="error">What YARP returned.</param>
    /// <param name="status">The status YARP set on the response for it (400, 408, 413 for a client's body).</param>
    public static (AttemptResult Result, GatewayError? Answer, bool Retryable) Classify(ForwarderError error, int status) => error switch
    {
        ForwarderError.None => (AttemptResult.Success, null, false),

        // The downstream could not be reached, or did not answer in time: nothing of the response went out.
        ForwarderError.Request => (AttemptResult.Failure, GatewayError.UpstreamFailed, true),
        ForwarderError.RequestTimedOut => (AttemptResult.Failure, GatewayError.UpstreamTimeout, true),
        ForwarderError.ResponseHeaders => (AttemptResult.Failure, GatewayError.UpstreamFailed, true),
        ForwarderError.RequestBodyDestination => (AttemptResult.Failure, GatewayError.UpstreamFailed, false),

        // After the head went out the connection was cut (by YARP): nothing more can be said to the client.
        ForwarderError.ResponseBodyDestination or ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination
            => (AttemptResult.Failure, null, false),

        // The client's request body was at fault.
        ForwarderError.RequestBodyClient => (AttemptResult.ClientFault, status switch
        {
            StatusCodes.Status413PayloadTooLarge => GatewayError.PayloadTooLarge,
            StatusCodes.Status408RequestTimeout => GatewayError.RequestBodyTimeout,
            _ => GatewayError.InvalidRequestBody,
        }, false),

        // The request could not be built (before anything was sent): not the downstream's doing.
        ForwarderError.RequestCreation => (AttemptResult.ClientFault, GatewayError.UpstreamFailed, false),

        // The client left, or a tunnel idled out on both sides: says nothing about the downstream.
        _ => (AttemptResult.ClientAborted, null, false),
    };
}
