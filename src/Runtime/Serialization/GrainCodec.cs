using System.Buffers;
using System.Text.Json;

namespace Silo.Runtime.Serialization;

/// <summary>
/// Turns grain-call arguments and results into bytes and back. Values travel as JSON (records, strings,
/// numbers, enums, lists, nullables and dictionaries all round-trip); a call's arguments are one JSON array.
/// Local calls skip it unless <see cref="Hosting.SiloRuntimeOptions.SerializeLocalCalls"/> is set.
/// </summary>
public sealed class GrainCodec
{
    /// <summary>The codec every silo and client of a cluster uses.</summary>
    public static GrainCodec Default { get; } = new();

    internal JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        IncludeFields = false,
        PropertyNameCaseInsensitive = false,
    };

    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public T? Deserialize<T>(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize<T>(utf8, Options);

    /// <summary>Writes a request's arguments as one JSON array.</summary>
    public byte[] SerializeArguments(GrainRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            request.WriteArguments(new GrainArgumentWriter(json, Options));
            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Fills a request's arguments from bytes written by <see cref="SerializeArguments"/>.</summary>
    public void DeserializeArguments(GrainRequest request, ReadOnlyMemory<byte> utf8)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Parsed in place: the document only lives while the arguments are read.
        using var document = JsonDocument.Parse(utf8);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("Grain call arguments must be a JSON array.");
        }

        request.ReadArguments(new GrainArgumentReader(document.RootElement, Options));
    }
}
