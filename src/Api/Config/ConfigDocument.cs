using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Silo.Api.Errors;
using Silo.Api.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Silo.Api.Config;

/// <summary>
/// Reads and writes a <see cref="GatewayConfig"/> as JSON or YAML. YAML is parsed by YamlDotNet into its node
/// tree and taken to JSON (plain scalars resolved by the YAML 1.2 core schema: <c>10</c> is a number,
/// <c>true</c> a boolean, <c>~</c> null; quoted ones are strings), then read by the admin API's own JSON
/// settings: the same field names, enum spellings and refusals (unknown fields, duplicate keys) as its bodies.
/// </summary>
internal static partial class ConfigDocument
{
    /// <summary>The largest document accepted (bytes). The value is 4 MiB.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    // Aliases can repeat a node many times over; a document of a few MiB never needs more nodes than this.
    private const int MaxNodes = 1_000_000;

    /// <summary>Settings for writing: the admin API's, leaving out fields that are null.</summary>
    public static JsonSerializerOptions WriteOptions { get; } = new(GatewayJson.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads the request's body as JSON (a JSON content type) or YAML (a YAML one, or none).</summary>
    public static async Task<(GatewayConfig? Config, IResult? Error)> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var json = request.HasJsonContentType();
        if (request.ContentType is not null && !json && !IsYaml(request.ContentType))
        {
            return (null, Problem.For(GatewayError.UnsupportedMediaType, "Send the document as application/yaml or application/json."));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        string text;
        try
        {
            using var reader = new StreamReader(new LimitedStream(request.Body, MaxBytes), Encoding.UTF8);
            text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return (null, TooLarge());
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, Problem.For(GatewayError.InvalidDocument, "The document is empty."));
        }

        try
        {
            var node = json ? JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = GatewayJson.Options.MaxDepth }) : FromYaml(text);
            var config = node?.Deserialize<GatewayConfig>(GatewayJson.Options);
            return config is null
                ? (null, Problem.For(GatewayError.InvalidDocument, "The document must be a mapping (an object) with 'tenants' and 'services'."))
                : (config, null);
        }
        catch (JsonException ex)
        {
            return (null, Problem.For(GatewayError.InvalidDocument, GatewayExceptionHandler.JsonErrorDetail(ex)));
        }
        catch (YamlException ex)
        {
            // YamlDotNet's message names the fault; its position is 1-based line and column.
            return (null, Problem.For(GatewayError.InvalidDocument, $"Not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}"));
        }
        catch (InvalidDataException ex)
        {
            return (null, Problem.For(GatewayError.InvalidDocument, ex.Message));
        }
    }

    /// <summary>Whether the caller asked for YAML (<c>?format=yaml</c>, or an Accept header naming YAML).</summary>
    public static bool WantsYaml(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query["format"] is { Count: > 0 } format)
        {
            return string.Equals(format[0], "yaml", StringComparison.OrdinalIgnoreCase);
        }

        return request.Headers.Accept.Any(a => a is not null && a.Contains("yaml", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><paramref name="value"/> as a YAML document (block style; strings quoted where YAML would read them as something else).</summary>
    public static string ToYaml<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, WriteOptions);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    /// <summary>A YAML document as JSON, for <see cref="GatewayJson.Options"/> to read.</summary>
    internal static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count != 1)
        {
            throw new InvalidDataException($"Expected one YAML document, found {stream.Documents.Count}.");
        }

        var nodes = 0;
        return ToJson(stream.Documents[0].RootNode, 0, ref nodes);
    }

    private static JsonNode? ToJson(YamlNode node, int depth, ref int nodes)
    {
        if (++nodes > MaxNodes || depth > GatewayJson.Options.MaxDepth)
        {
            throw new InvalidDataException("The document nests too deeply or repeats too much (aliases).");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw new InvalidDataException($"Line {key.Start.Line}: a mapping key must be a plain name.");
                    }

                    if (obj.ContainsKey(name))
                    {
                        throw new InvalidDataException($"Line {key.Start.Line}: '{name}' is given twice.");
                    }

                    obj[name] = ToJson(value, depth + 1, ref nodes);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(ToJson(item, depth + 1, ref nodes));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new InvalidDataException($"Line {node.Start.Line}: unsupported YAML node.");
        }
    }

    // The YAML 1.2 core schema for plain scalars; anything quoted, or tagged !!str, stays a string.
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(value);
        }

        return Resolve(value) switch
        {
            PlainKind.Null => null,
            PlainKind.Boolean => JsonValue.Create(value is "true" or "True" or "TRUE"),
            PlainKind.Integer => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                ? JsonValue.Create(whole)
                : JsonValue.Create(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)),
            PlainKind.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(value),
            _ => JsonValue.Create(value),
        };
    }

    private enum PlainKind
    {
        String,
        Null,
        Boolean,
        Integer,
        Number,
    }

    private static PlainKind Resolve(string plain) => plain switch
    {
        "" or "~" or "null" or "Null" or "NULL" => PlainKind.Null,
        "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => PlainKind.Boolean,
        _ when IntegerPattern().IsMatch(plain) => PlainKind.Integer,
        _ when NumberPattern().IsMatch(plain) => PlainKind.Number,
        _ => PlainKind.String,
    };

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
                foreach (var (name, value) in obj)
                {
                    EmitString(emitter, name);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                EmitString(emitter, value.GetValue<string>());
                break;
            default:
                // Numbers and booleans as JSON writes them, which YAML reads back as the same.
                emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, node.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string value)
    {
        // A string YAML would read as a number, boolean or null is quoted; the emitter quotes what needs it otherwise.
        var style = Resolve(value) == PlainKind.String ? ScalarStyle.Any : ScalarStyle.DoubleQuoted;
        emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, value, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    private static bool IsYaml(string contentType) =>
        contentType.StartsWith("application/yaml", StringComparison.OrdinalIgnoreCase) ||
        contentType.StartsWith("application/x-yaml", StringComparison.OrdinalIgnoreCase) ||
        contentType.StartsWith("text/yaml", StringComparison.OrdinalIgnoreCase);

    private static IResult TooLarge() => Problem.For(GatewayError.PayloadTooLarge, $"The document may be at most {MaxBytes} bytes.");

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 100)]
    private static partial Regex NumberPattern();
}
