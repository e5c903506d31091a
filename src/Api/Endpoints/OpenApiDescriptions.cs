using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Silo.Api.Endpoints;

/// <summary>
/// Describes JSON request bodies in the OpenAPI document only. <c>Accepts&lt;T&gt;()</c> would also make
/// routing match on Content-Type, so a body-less or mistyped request would fall through to the proxy route
/// instead of getting its 400/415 from the endpoint.
/// </summary>
internal static class OpenApiDescriptions
{
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder builder, bool required = true) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new() { Schema = schema } },
            };
        });
}
