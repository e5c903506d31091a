namespace Silo.Api.Routing;

/// <summary>What the front end does with a request given the service's breaker.</summary>
public enum CircuitDecision
{
    /// <summary>Closed: forward as usual.</summary>
    Pass,

    /// <summary>Open (or the probe is taken): answer 503 with Retry-After, do not touch the downstream.</summary>
    Refuse,

    /// <summary>The break is over: ask the service grain for the one probe.</summary>
    Probe,
}
