using System.Text.Json;

namespace Silo.Runtime.Serialization;

/// <summary>Writes a call's arguments in order; used by generated request classes.</summary>
public sealed class GrainArgumentWriter
{
    private readonly Utf8JsonWriter _json;
    private readonly JsonSerializerOptions _options;

    internal GrainArgumentWriter(Utf8JsonWriter json, JsonSerializerOptions options)
    {
        _json = json;
        _options = options;
    }

    public void Write<T>(T value) => JsonSerializer.Serialize(_json, value, _options);
}
