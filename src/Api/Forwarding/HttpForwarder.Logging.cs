namespace Silo.Api.Forwarding;

/// <summary>Log events of the forwarder (400-409).</summary>
public sealed partial class HttpForwarder
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Downstream {Authority} did not answer within {TimeoutSeconds} s")]
    private static partial void LogUpstreamTimeout(ILogger logger, string authority, double timeoutSeconds);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Downstream {Authority} failed: {HttpRequestError} (socket error {SocketError})")]
    private static partial void LogUpstreamFailed(ILogger logger, string authority, HttpRequestError httpRequestError, string socketError);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Downstream {Authority} broke off the response body; connection aborted")]
    private static partial void LogBodyFailed(ILogger logger, string authority);

    [LoggerMessage(EventId = 403, Level = LogLevel.Debug, Message = "Client aborted a request to {Authority}")]
    private static partial void LogClientAborted(ILogger logger, string authority);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Retrying after {Authority} failed (status {StatusCode}); attempt {Attempt}")]
    private static partial void LogRetrying(ILogger logger, string authority, int statusCode, int attempt);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Not retrying {Authority}: the retry budget is spent")]
    private static partial void LogRetryBudgetExhausted(ILogger logger, string authority);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Could not settle an Idempotency-Key record of scope {Scope}; it stays in flight until its lease ends")]
    private static partial void LogIdempotencySettleFailed(ILogger logger, Exception exception, string scope);
}
