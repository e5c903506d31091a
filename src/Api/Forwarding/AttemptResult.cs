namespace Silo.Api.Forwarding;

/// <summary>How one attempt to reach a downstream ended, as health statistics should count it.</summary>
public enum AttemptResult
{
    /// <summary>The downstream answered with a status below 500 and its body (if proxied) arrived whole.</summary>
    Success,

    /// <summary>Connect or transport failure, timeout, a 5xx response, or a response body the downstream broke off.</summary>
    Failure,

    /// <summary>The client went away first, or a tunnel idled out; says nothing about the downstream.</summary>
    ClientAborted,

    /// <summary>
    /// The client's request was at fault (a malformed or stalled body, one over the size limit): answered by the
    /// gateway with a 4xx and never counted against the downstream.
    /// </summary>
    ClientFault,
}
