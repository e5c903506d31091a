using Microsoft.AspNetCore.Mvc;

namespace Silo.Api.Errors;

/// <summary>Builds RFC 9457 problem responses for gateway errors. Never includes exception details.</summary>
public static class Problem
{
    public static IResult For(GatewayError error, string? detail = null, IDictionary<string, object?>? extensions = null, int? retryAfterSeconds = null)
    {
        var problem = Create(error, detail, extensions);
        var result = TypedResults.Problem(problem);
        return retryAfterSeconds is { } seconds ? new WithRetryAfter(result, seconds) : result;
    }

    /// <summary>400 with a field → message map under <c>errors</c>.</summary>
    public static IResult Validation(IDictionary<string, string> errors) =>
        For(GatewayError.ValidationFailed, "See 'errors' for the fields to fix.", new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = errors });

    /// <summary>Writes the problem straight to a response (middleware and the proxy, outside minimal API results).</summary>
    public static Task WriteAsync(HttpContext context, GatewayError error, string? detail = null, int? retryAfterSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return For(error, detail, retryAfterSeconds: retryAfterSeconds).ExecuteAsync(context);
    }

    public static ProblemDetails Create(GatewayError error, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var (status, type, title) = GatewayErrors.Describe(error);
        var problem = new ProblemDetails { Status = status, Type = GatewayErrors.TypeUri(type), Title = title, Detail = detail };
        if (extensions is not null)
        {
            foreach (var (name, value) in extensions)
            {
                problem.Extensions[name] = value;
            }
        }

        return problem;
    }

    private sealed class WithRetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
