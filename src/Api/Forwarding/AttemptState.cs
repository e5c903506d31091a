using Silo.Api.LoadBalancing;

namespace Silo.Api.Forwarding;

/// <summary>One attempt of a forward while it runs: where it goes and what the response decided.</summary>
internal sealed class AttemptState(int attempt, EndpointLoad endpoint, bool mayRetry)
{
    public int Attempt { get; } = attempt;

    public EndpointLoad Endpoint { get; } = endpoint;

    /// <summary>Whether a failure of this attempt may be retried (replayable request, attempts left).</summary>
    public bool MayRetry { get; } = mayRetry;

    /// <summary>The absolute URL the attempt was sent to.</summary>
    public Uri? Target { get; set; }

    /// <summary>What the forwarder reported for the attempt.</summary>
    public Yarp.ReverseProxy.Forwarder.ForwarderError Error { get; set; }

    /// <summary>The downstream's status, when it answered.</summary>
    public int? StatusCode { get; set; }

    /// <summary>The endpoint the retry goes to, once a retry is decided.</summary>
    public EndpointLoad? RetryTo { get; set; }

    /// <summary>A retry would have gone, but the service's retry budget was spent.</summary>
    public bool BudgetRefused { get; set; }
}
