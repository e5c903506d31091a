using System.Text.Json;

namespace Silo.Runtime.Serialization;

/// <summary>Reads a call's arguments in the order they were written; used by generated request classes.</summary>
public sealed class GrainArgumentReader
{
    private readonly JsonElement _arguments;
    private readonly JsonSerializerOptions _options;
    private int _index;

    internal GrainArgumentReader(JsonElement arguments, JsonSerializerOptions options)
    {
        _arguments = arguments;
        _options = options;
    }

    public T? Read<T>()
    {
        if (_index >= _arguments.GetArrayLength())
        {
            throw new JsonException($"Grain call has fewer arguments than expected (read {_index}).");
        }

        return _arguments[_index++].Deserialize<T>(_options);
    }
}
