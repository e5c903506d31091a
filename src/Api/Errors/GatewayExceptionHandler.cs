using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Silo.Api.Errors;

/// <summary>
/// Turns exceptions that escape an endpoint into problem responses: client mistakes keep their 4xx,
/// a grain that cannot answer is a 503, anything else is a 500 whose details stay in the log.
/// </summary>
internal sealed partial class GatewayExceptionHandler(ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            LogClientAborted(logger, httpContext.Request.Method, httpContext.Request.Path);
            return true;
        }

        switch (exception)
        {
            case BadHttpRequestException bad:
                await WriteStatusAsync(httpContext, bad.StatusCode);
                return true;
            case JsonException json:
                await Problem.WriteAsync(httpContext, GatewayError.InvalidJson, JsonErrorDetail(json));
                return true;
            // Transient: a grain could not answer now (overload, membership change, storage hiccup); retry.
            case var _ when GrainFailures.IsTransient(exception):
                LogGrainUnavailable(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
                await Problem.WriteAsync(httpContext, GatewayError.GatewayUnavailable, retryAfterSeconds: 1);
                return true;
            default:
                LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
                await Problem.WriteAsync(httpContext, GatewayError.Internal);
                return true;
        }
    }

    /// <summary>A JSON error message without .NET type names: where it failed, not how.</summary>
    public static string JsonErrorDetail(JsonException exception) =>
        exception.Path is { Length: > 0 } path
            ? $"Invalid value or unexpected field at '{path}'."
            : "The body is not well-formed JSON.";

    private static Task WriteStatusAsync(HttpContext context, int status)
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = status switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are too large.",
                StatusCodes.Status414UriTooLong => "The request URL is too long.",
                _ => "The request is malformed.",
            },
            Type = GatewayErrors.TypeUri("bad-request"),
        };
        return TypedResults.Problem(problem).ExecuteAsync(context);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Grain call failed for {Method} {Path}")]
    private static partial void LogGrainUnavailable(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(EventId = 502, Level = LogLevel.Debug, Message = "Client aborted {Method} {Path}")]
    private static partial void LogClientAborted(ILogger logger, string method, PathString path);
}
