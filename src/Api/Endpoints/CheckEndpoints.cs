using Silo.Api.Auth;
using Silo.Api.Contracts;
using Silo.Api.Errors;
using Silo.Api.Json;
using Silo.Api.Validation;
using Silo.Grains.Services;

namespace Silo.Api.Endpoints;

/// <summary><c>POST /v1/check</c>: the decision API, for callers that enforce limits themselves.</summary>
internal static class CheckEndpoints
{
    /// <summary>The largest cost one check may ask for.</summary>
    public const long MaxCost = 1_000_000_000;

    public static void MapCheckEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/check", CheckAsync)
            .JsonBody<CheckRequest>(required: false).Produces<CheckResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithTags("Data plane").WithSummary("Ask whether a request of the given cost is admitted (X-Api-Key)");
    }

    private static async Task<IResult> CheckAsync(HttpContext context, Admission admission)
    {
        if (admission.IsBlocked(context.Request))
        {
            return Admission.TooManyFailuresProblem();
        }

        var (body, error) = await JsonBody.ReadAsync<CheckRequest>(context.Request, optional: true);
        if (error is not null)
        {
            return error;
        }

        var cost = body?.Cost ?? 1;
        var service = body?.Service;
        if (cost is < 1 or > MaxCost || (service is not null && !ServiceValidation.IsServiceId(service)))
        {
            var errors = new Dictionary<string, string>(StringComparer.Ordinal);
            if (cost is < 1 or > MaxCost)
            {
                errors["cost"] = $"Must be between 1 and {MaxCost}.";
            }

            if (service is not null && !ServiceValidation.IsServiceId(service))
            {
                errors["service"] = "Must be a service id: lowercase letters, digits and '-'.";
            }

            return Problem.Validation(errors);
        }

        var result = await admission.AdmitAsync(context.Request, cost, service);

        var d = result.Decision;
        RateLimitHeaders.Apply(context.Response, result);
        if (result.IsAllowed)
        {
            return TypedResults.Json(new CheckResponse(true, d.Limit, d.Remaining, d.ResetSeconds), GatewayJsonContext.Default.CheckResponse);
        }

        if (result.Status != Grains.Admission.AdmissionStatus.Limited)
        {
            return Problem.For(Admission.ErrorFor(result.Status));
        }

        return Problem.For(
            GatewayError.RateLimited,
            $"Limit '{d.Policy}' allows {d.Limit} per {d.WindowSeconds} s.",
            new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["allowed"] = false,
                ["limit"] = d.Limit,
                ["remaining"] = d.Remaining,
                ["resetSeconds"] = d.ResetSeconds,
                ["retryAfterSeconds"] = d.RetryAfterSeconds,
            });
    }
}
