namespace Silo.Runtime.Transport;

/// <summary>
/// Carries an exception across the wire as its type name and message only (never a stack trace). Common
/// types are rebuilt as themselves, so callers can catch them as if the call had been local; others arrive
/// as <see cref="RemoteGrainException"/> naming the original type.
/// </summary>
internal static class ExceptionCodec
{
    public static ReadOnlyMemory<byte> Write(Exception exception) =>
        new MessageWriter().WriteString(exception.GetType().FullName ?? exception.GetType().Name).WriteString(exception.Message).ToMemory();

    public static Exception Read(ReadOnlySpan<byte> payload)
    {
        var reader = new MessageReader(payload);
        var type = reader.ReadString();
        var message = reader.ReadString();
#pragma warning disable MA0015 // The parameter name did not travel; the message carries it.
        return type switch
        {
            "System.ArgumentException" => new ArgumentException(message),
            "System.ArgumentNullException" => new ArgumentNullException(null, message),
            "System.ArgumentOutOfRangeException" => new ArgumentOutOfRangeException(null, message),
            "System.InvalidOperationException" => new InvalidOperationException(message),
            "System.NotSupportedException" => new NotSupportedException(message),
            "System.TimeoutException" => new TimeoutException(message),
            "System.OperationCanceledException" or "System.Threading.Tasks.TaskCanceledException" => new OperationCanceledException(message),
            "System.Collections.Generic.KeyNotFoundException" => new KeyNotFoundException(message),
            "Silo.Runtime.InconsistentStateException" => new InconsistentStateException(message),
            "Silo.Runtime.GrainActivationException" => new GrainActivationException(message),
            "Silo.Runtime.SiloUnavailableException" => new SiloUnavailableException(message),
            _ => new RemoteGrainException(type, message),
        };
#pragma warning restore MA0015
    }
}
