using Silo.Api.Auth;
using Silo.Api.Errors;
using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Runtime;

namespace Silo.Api.Endpoints;

/// <summary>Authenticates a data-plane request and asks the key's grain to admit it.</summary>
internal static class Admission
{
    public static async Task<AdmissionResult> AdmitAsync(IGrainFactory grains, HttpRequest request, long cost, string? service)
    {
        if (!ApiKeyCredentials.TryRead(request, out var keyId, out var secret))
        {
            return AdmissionResult.Invalid;
        }

        var key = grains.GetGrain<IApiKeyGrain>(keyId);
        return await key.AdmitAsync(new AdmissionRequest(ApiKeyFormat.HashSecret(secret), cost, service)).ConfigureAwait(false);
    }

    /// <summary>The error a refused admission answers with.</summary>
    public static GatewayError ErrorFor(AdmissionStatus status) => status switch
    {
        AdmissionStatus.Limited => GatewayError.RateLimited,
        AdmissionStatus.Expired => GatewayError.KeyExpired,
        AdmissionStatus.OutOfScope => GatewayError.OutOfScope,
        AdmissionStatus.TenantSuspended => GatewayError.TenantSuspended,
        AdmissionStatus.CostTooHigh => GatewayError.CostTooHigh,
        _ => GatewayError.InvalidApiKey,
    };

    /// <summary>Writes the problem for a refused admission, with the rate-limit headers when they apply.</summary>
    public static Task WriteRefusalAsync(HttpContext context, AdmissionResult result)
    {
        RateLimitHeaders.Apply(context.Response, result);
        return Problem.For(ErrorFor(result.Status)).ExecuteAsync(context);
    }
}
