using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Silo.Api.Json;

/// <summary>
/// JSON settings of the HTTP API: camelCase fields, kebab-case enums (<c>"token-bucket"</c>), and unknown
/// fields rejected so a typo in an admin body is an error rather than a silently ignored setting, and a
/// member given twice (<c>{"id":"a","id":"b"}</c>, or <c>"id"</c> and <c>"ID"</c>, which name the same field)
/// refused rather than read as its last value: what a proxy in front of the gateway read must be what the
/// gateway reads.
/// </summary>
public static class GatewayJson
{
    // The resolver is set from the start: the serializer would set it on first use, but the JSON Schema exporter
    // (GET /openapi/gateway-config.schema.json) refuses options without one, so a fresh process's first schema
    // request failed.
    public static JsonSerializerOptions Options { get; } =
        Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.MaxDepth = 16;
        options.AllowDuplicateProperties = false;
        return options;
    }
}
