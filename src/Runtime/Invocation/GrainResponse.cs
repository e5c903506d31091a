namespace Silo.Runtime;

/// <summary>The serialized outcome of a grain call: a value, or an exception.</summary>
internal readonly struct GrainResponse
{
    private GrainResponse(ReadOnlyMemory<byte> value, Exception? exception)
    {
        Value = value;
        Exception = exception;
    }

    public ReadOnlyMemory<byte> Value { get; }

    public Exception? Exception { get; }

    public static GrainResponse FromValue(ReadOnlyMemory<byte> value) => new(value, null);

    public static GrainResponse FromException(Exception exception) => new(default, exception);
}
