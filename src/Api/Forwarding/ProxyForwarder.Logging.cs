using Yarp.ReverseProxy.Forwarder;

namespace Silo.Api.Forwarding;

/// <summary>Log events of the forwarder (400-409).</summary>
public sealed partial class ProxyForwarder
{
    private void Log(ForwarderError error, AttemptResult result, AttemptState state, Exception? exception)
    {
        var authority = state.Target?.Authority ?? state.Endpoint.Url;
        switch (result)
        {
            case AttemptResult.Failure when error == ForwarderError.RequestTimedOut:
                LogUpstreamTimeout(_logger, authority);
                break;
            case AttemptResult.Failure:
                LogUpstreamFailed(_logger, authority, error, exception?.GetBaseException().Message ?? "none");
                break;
            case AttemptResult.ClientFault:
                LogClientFault(_logger, authority, error);
                break;
            default:
                LogClientAborted(_logger, authority, error);
                break;
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Downstream {Authority} stayed silent past the service's timeout")]
    private static partial void LogUpstreamTimeout(ILogger logger, string authority);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Downstream {Authority} failed: {Error} ({Reason})")]
    private static partial void LogUpstreamFailed(ILogger logger, string authority, ForwarderError error, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Debug, Message = "Client went away from a request to {Authority} ({Error})")]
    private static partial void LogClientAborted(ILogger logger, string authority, ForwarderError error);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Retrying after {Authority} failed (status {StatusCode}); attempt {Attempt}")]
    private static partial void LogRetrying(ILogger logger, string authority, int statusCode, int attempt);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Not retrying {Authority}: the retry budget is spent")]
    private static partial void LogRetryBudgetExhausted(ILogger logger, string authority);

    [LoggerMessage(EventId = 407, Level = LogLevel.Information, Message = "A request to {Authority} failed on the client's side ({Error}); not counted against the downstream")]
    private static partial void LogClientFault(ILogger logger, string authority, ForwarderError error);
}
