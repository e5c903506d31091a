using Silo.Api.Contracts;
using Silo.Api.Errors;
using Silo.Api.Identity;
using Silo.Api.Json;
using Silo.Api.Validation;
using Silo.Grains.Identity;
using Silo.Grains.Tenants;

namespace Silo.Api.Endpoints;

/// <summary><c>PUT /admin/tenants/{tenant}/issuers</c>: the token issuers whose JWTs the tenant's callers may present.</summary>
internal static class IssuerEndpoints
{
    public static void MapIssuerEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapPut("/tenants/{tenant}/issuers", SetAsync)
            .JsonBody<List<IssuerRequest>>().Produces<TenantInfo>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replace the token issuers whose JWT bearer tokens the tenant's callers may present, with per-consumer limits");
    }

    private static async Task<IResult> SetAsync(string tenant, HttpRequest request, IGrainFactory grains, IssuerCatalog catalog, JwtCallers callers)
    {
        var (body, error) = await JsonBody.ReadAsync<List<IssuerRequest>>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var issuers = body!.Select((b, i) => Validate(b, $"[{i}].", errors)).ToArray();
        foreach (var duplicate in issuers.GroupBy(i => i.Issuer, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors["issuer"] = $"'{duplicate.Key}' is given more than once.";
        }

        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var grain = grains.GetGrain<ITenantGrain>(tenant);
        var status = Identifiers.IsSlug(tenant) ? await grain.SetIssuersAsync(issuers) : SetIssuersStatus.TenantNotFound;
        catalog.Invalidate();
        callers.Invalidate();
        return status switch
        {
            SetIssuersStatus.TenantNotFound => Problem.For(GatewayError.UnknownTenant),
            SetIssuersStatus.IssuerTaken => Problem.For(GatewayError.AlreadyExists, "One of the issuers is registered by another tenant; an issuer belongs to one tenant."),
            _ => TypedResults.Json(await grain.GetAsync(), GatewayJson.Options),
        };
    }

    /// <summary>Checks one issuer; problems go to <paramref name="errors"/> under <paramref name="prefix"/>.</summary>
    internal static IssuerDefinition Validate(IssuerRequest body, string prefix, IDictionary<string, string> errors)
    {
        var definition = body.ToDefinition();
        if (string.IsNullOrWhiteSpace(body.Issuer) || body.Issuer.Length > 2048)
        {
            errors[prefix + "issuer"] = "Required: the tokens' iss, at most 2048 characters.";
        }

        if (definition.Audiences.Count == 0 || definition.Audiences.Any(a => string.IsNullOrWhiteSpace(a) || a.Length > 2048))
        {
            errors[prefix + "audiences"] = "At least one audience (a token must name one of them in aud).";
        }

        if ((body.JwksUri is null) == (body.DiscoveryUri is null))
        {
            errors[prefix + "jwksUri"] = "Give exactly one of jwksUri and discoveryUri.";
        }
        else if (!IsHttpUrl(body.JwksUri ?? body.DiscoveryUri!))
        {
            errors[prefix + (body.JwksUri is null ? "discoveryUri" : "jwksUri")] = "Must be an absolute http or https URL.";
        }

        if (definition.Algorithms.Any(a => !IssuerDefinition.DefaultAlgorithms.Contains(a, StringComparer.Ordinal)))
        {
            errors[prefix + "algorithms"] = $"Only asymmetric algorithms: {string.Join(", ", IssuerDefinition.DefaultAlgorithms)}.";
        }

        if (definition.ClockSkewSeconds is < 0 or > IssuerRequest.MaxClockSkewSeconds)
        {
            errors[prefix + "clockSkewSeconds"] = $"Must be between 0 and {IssuerRequest.MaxClockSkewSeconds}.";
        }

        if (string.IsNullOrWhiteSpace(definition.ConsumerClaim) || definition.ConsumerClaim.Length > 256)
        {
            errors[prefix + "consumerClaim"] = "Must name a claim.";
        }

        if (definition.ScopesClaim is { Length: > 256 } || definition.ScopePrefix is { Length: > 256 } || (definition.ScopePrefix is not null && definition.ScopesClaim is null))
        {
            errors[prefix + "scopesClaim"] = "A claim name (at most 256 characters); scopePrefix needs scopesClaim.";
        }

        LimitValidation.Validate(definition.ConsumerLimits, prefix + "consumerLimits", errors);
        return definition;
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
