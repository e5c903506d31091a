namespace Silo.Runtime;

/// <summary>A grain on another silo threw an exception of a type that is not rebuilt locally.</summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException()
    {
    }

    public RemoteGrainException(string message)
        : base(message)
    {
    }

    public RemoteGrainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RemoteGrainException(string exceptionType, string message)
        : base($"{exceptionType}: {message}")
    {
        ExceptionType = exceptionType;
    }

    /// <summary>The full type name of the exception the grain threw.</summary>
    public string? ExceptionType { get; }
}
