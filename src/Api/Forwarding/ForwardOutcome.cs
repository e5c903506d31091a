using Silo.Api.Errors;

namespace Silo.Api.Forwarding;

/// <summary>How a forward ended: proxied (the response is written), a gateway error to answer with, or aborted.</summary>
public readonly record struct ForwardOutcome(GatewayError? Error, bool ResponseStarted)
{
    public static ForwardOutcome Proxied => new(null, true);

    public static ForwardOutcome Failed(GatewayError error) => new(error, false);
}
