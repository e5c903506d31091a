namespace Silo.Runtime;

/// <summary>The silo cannot take the call (it is shutting down, or not started); the caller may retry elsewhere.</summary>
public sealed class SiloUnavailableException : Exception
{
    public SiloUnavailableException()
    {
    }

    public SiloUnavailableException(string message)
        : base(message)
    {
    }

    public SiloUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
